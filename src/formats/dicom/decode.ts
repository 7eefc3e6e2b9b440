/**
 * One DICOM file to a MedicalImage, in the calling thread (Node, Dawn, a worker). readDicom runs this
 * in a Worker in browser windows (decode-worker.ts); the series reader uses the geometry it returns.
 */
import { AbortError, DicomFormatError } from '../../errors.ts';
import { checkLimit, type EngineLimits } from '../../limits.ts';
import type { MedicalImage } from '../medical/types.ts';
import { loadCodec } from './codecs.ts';
import type { DecodedFrame, FrameCodec, FrameInfo } from './codecs.ts';
import { readHeader, type DicomHeader } from './header.ts';
import { parseDicomBytes } from './parse.ts';
import { encapsulatedFrame, nativeFrame, nativeFrameBytes, storeFrame } from './pixels.ts';
import { decodeRleFrame } from './rle.ts';
import { describeSyntax, transferSyntax } from './transfer-syntax.ts';

export interface DecodeOptions {
  name?: string;
  limits?: Partial<EngineLimits>;
  signal?: AbortSignal;
  /** Where a browser finds the codec packages (see codecs.ts); default `/node_modules/`. */
  codecBaseUrl?: string;
}

/** What the series reader needs beyond the image: plain data, so it crosses from a worker. */
export interface SliceGeometry {
  seriesUid?: string;
  instanceNumber?: number;
  orientation?: number[];
  positions?: number[][];
  pixelSpacing?: [number, number];
  rows: number;
  cols: number;
  frames: number;
}

export interface DecodedDicom {
  image: MedicalImage;
  geometry: SliceGeometry;
}

function throwIfAborted(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new AbortError(`Reading ${name} was aborted: ${String(signal.reason)}`, { cause: signal.reason });
}

export async function decodeDicom(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedDicom> {
  const name = options.name ?? 'DICOM file';
  throwIfAborted(options.signal, name);
  const { dataSet, transferSyntaxUid, bytes: parsedBytes } = parseDicomBytes(bytes, name);
  const h = readHeader(dataSet, name);
  const pixelElement = dataSet.elements.x7fe00010;
  if (!pixelElement) throw new DicomFormatError(`${name}: no Pixel Data (7FE0,0010): not an image (or a float/double pixel data file, not read)`);
  const syntax = transferSyntax(transferSyntaxUid);
  if (!syntax) {
    throw new DicomFormatError(`${name}: transfer syntax ${describeSyntax(transferSyntaxUid)} has no decoder in this reader`);
  }
  // Before any allocation sized by the header: a 60000 × 60000 header must not cost 14 GB.
  checkLimit(options.limits, 'maxImagePixels', h.rows * h.cols, `DICOM image "${name}" (${h.cols}×${h.rows})`, 'pixels');
  checkLimit(options.limits, 'maxTensorElements', h.rows * h.cols * h.frames * h.samples,
    `DICOM pixel data "${name}" (${h.frames} frame(s) of ${h.cols}×${h.rows}×${h.samples})`, 'values');

  // The pixel data must be able to hold what the header declares, before the output is allocated
  // (a Number of Frames of 60000 on a 9 kB file must not cost a gigabyte first).
  if (syntax.codec === 'native' && !pixelElement.encapsulatedPixelData) {
    const need = h.bitsAllocated === 1 ? Math.ceil((h.rows * h.cols * h.frames) / 8) : nativeFrameBytes(h) * h.frames;
    if (pixelElement.length < need) {
      throw new DicomFormatError(`${name}: the pixel data is truncated: ${pixelElement.length} bytes where the header (rows × columns × samples × bits × ${h.frames} frame(s)) needs ${need}`);
    }
  } else if (pixelElement.encapsulatedPixelData && (pixelElement.fragments?.length ?? 0) < h.frames && !(pixelElement.basicOffsetTable?.length)) {
    throw new DicomFormatError(`${name}: the header declares ${h.frames} frames; the encapsulated pixel data holds ${pixelElement.fragments?.length ?? 0} fragment(s) and no offset table`);
  }
  let codec: FrameCodec | undefined;
  if (syntax.codec !== 'native' && syntax.codec !== 'rle') {
    codec = await loadCodec(syntax.codec, syntax.uid, name, options.codecBaseUrl);
  }
  const info: FrameInfo = {
    rows: h.rows, cols: h.cols, samples: h.samples, bitsAllocated: h.bitsAllocated, bitsStored: h.bitsStored,
    signed: h.signed, photometric: h.photometric,
  };
  const data = new Float32Array(h.rows * h.cols * h.frames * h.samples);
  const px = parsedBytes.subarray(pixelElement.dataOffset, pixelElement.dataOffset + pixelElement.length);
  for (let f = 0; f < h.frames; f++) {
    throwIfAborted(options.signal, name);
    let frame: DecodedFrame;
    if (syntax.codec === 'native') {
      if (pixelElement.encapsulatedPixelData) throw new DicomFormatError(`${name}: transfer syntax ${describeSyntax(syntax.uid)} is uncompressed but the pixel data is encapsulated`);
      frame = nativeFrame(px, f, h, name);
    } else {
      if (!pixelElement.encapsulatedPixelData) throw new DicomFormatError(`${name}: transfer syntax ${describeSyntax(syntax.uid)} needs encapsulated pixel data; the file's is not`);
      const compressed = encapsulatedFrame(dataSet, pixelElement, f, h.frames, name);
      if (syntax.codec === 'rle') {
        frame = { bytes: decodeRleFrame(compressed, h.rows * h.cols, h.samples, h.bitsAllocated, name), bytesPerSample: h.bitsAllocated > 8 ? 2 : 1, planar: true, rgb: false };
      } else {
        try {
          frame = codec!.decode(compressed, info);
        } catch (err) {
          if (err instanceof DicomFormatError) throw new DicomFormatError(`${name}: frame ${f + 1} (${syntax.name}): ${err.message}`, { cause: err });
          throw err;
        }
      }
    }
    storeFrame(frame, h, f, data, syntax.littleEndian, name);
  }
  return { image: toImage(h, data, name, syntax.name, syntax.lossy), geometry: geometryOf(h) };
}

function geometryOf(h: DicomHeader): SliceGeometry {
  return {
    seriesUid: h.seriesUid, instanceNumber: h.instanceNumber, orientation: h.orientation, positions: h.positions,
    pixelSpacing: h.pixelSpacing, rows: h.rows, cols: h.cols, frames: h.frames,
  };
}

function toImage(h: DicomHeader, data: Float32Array, name: string, syntaxName: string, lossy?: boolean): MedicalImage {
  const colour = h.samples === 3;
  const shape = [...(h.frames > 1 ? [h.frames] : []), h.rows, h.cols, ...(colour ? [3] : [])];
  let spacing: number[] | undefined;
  if (h.pixelSpacing) {
    if (h.frames === 1) spacing = [...h.pixelSpacing];
    else {
      const between = frameSpacing(h);
      if (between !== undefined) spacing = [between, ...h.pixelSpacing];
    }
  }
  const image: MedicalImage = {
    format: 'dicom',
    name,
    data,
    shape,
    channels: colour ? 3 : 1,
    photometric: h.photometric,
    description: `DICOM ${syntaxName}${lossy ? ' (lossy)' : ''}, ${h.bitsStored}-bit ${h.signed ? 'signed' : 'unsigned'} ${h.photometric}` +
      `${h.frames > 1 ? `, ${h.frames} frames` : ''}, ${h.cols}×${h.rows}`,
  };
  if (spacing) image.spacing = spacing;
  if (h.orientation) image.orientation = h.orientation;
  if (h.windows.length) image.windows = h.windows;
  if (h.voiLut) image.voiLut = h.voiLut;
  if (h.photometric === 'MONOCHROME1') image.inverted = true;
  const range = storedRange(h);
  if (range) image.valueRange = range;
  return image;
}

/** Spacing between the frames of a multi-frame file: from per-frame positions, else the header. */
function frameSpacing(h: DicomHeader): number | undefined {
  if (h.positions && h.positions.length === h.frames && h.orientation) {
    const n = normalOf(h.orientation);
    const first = dot(n, h.positions[0]!);
    const last = dot(n, h.positions[h.frames - 1]!);
    return Math.abs(last - first) / (h.frames - 1);
  }
  return h.spacingBetweenSlices ?? h.sliceThickness;
}

/** Row cosines × column cosines: the slice normal. */
export function normalOf(o: readonly number[]): number[] {
  const [a, b, c, d, e, f] = o as [number, number, number, number, number, number];
  return [b * f - c * e, c * d - a * f, a * e - b * d];
}

export function dot(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/**
 * The values Bits Stored allows, through the rescale (all frames' together), or undefined under a
 * Modality LUT Sequence (whose output range is its table's, not a line's).
 */
function storedRange(h: DicomHeader): [number, number] | undefined {
  if (h.modalityLut || h.bitsStored < 1 || h.bitsStored > 32) return undefined;
  const lo = h.signed ? -(2 ** (h.bitsStored - 1)) : 0;
  const hi = h.signed ? 2 ** (h.bitsStored - 1) - 1 : 2 ** h.bitsStored - 1;
  let min = Infinity;
  let max = -Infinity;
  for (const { slope, intercept } of h.rescale ?? [{ slope: 1, intercept: 0 }]) {
    for (const v of [lo * slope + intercept, hi * slope + intercept]) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  return Number.isFinite(min) && Number.isFinite(max) && max > min ? [min, max] : undefined;
}
