/**
 * From a frame's bytes to float32 modality values: read the samples (8/16/32 bits, either byte
 * order, 1-bit packed), keep the Bits Stored below High Bit and sign-extend them when Pixel
 * Representation is 1, interleave planar colour, then the modality LUT (rescale per frame, or a
 * Modality LUT Sequence) — the values pydicom's apply_modality_lut gives. Colour YBR_FULL(_422) is
 * turned into RGB here as pydicom's convert_color_space does.
 */
import type { DataSet, Element } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { DicomFormatError } from '../../errors.ts';
import type { DecodedFrame } from './codecs.ts';
import { expandYbr422, ybrFullToRgb } from './color.ts';
import type { DicomHeader } from './header.ts';

/** Native YBR_FULL_422 stores two samples per pixel (Y1 Y2 Cb Cr per pair). */
function storedSamplesPerPixel(h: DicomHeader): number {
  return h.samples === 3 && h.photometric === 'YBR_FULL_422' ? 2 : h.samples;
}

/** Bytes of one uncompressed frame (for 1-bit data: see nativeFrame). */
export function nativeFrameBytes(h: DicomHeader): number {
  return (h.rows * h.cols * storedSamplesPerPixel(h) * h.bitsAllocated) / 8;
}

/** Frame `f` of uncompressed pixel data `px` (the element's bytes); checks the length first. */
export function nativeFrame(px: Uint8Array, f: number, h: DicomHeader, name: string): DecodedFrame {
  if (h.bitsAllocated === 1) {
    // Frames are packed bit after bit with no padding between them (PS3.5 8.1.1).
    const pixels = h.rows * h.cols;
    const need = Math.ceil((pixels * h.frames) / 8);
    if (px.length < need) throw truncated(name, px.length, need);
    const bytes = new Uint8Array(pixels);
    const start = f * pixels;
    for (let i = 0; i < pixels; i++) bytes[i] = (px[(start + i) >> 3]! >> ((start + i) & 7)) & 1;
    return { bytes, bytesPerSample: 1, planar: false, rgb: false };
  }
  const size = nativeFrameBytes(h);
  const need = size * h.frames;
  if (px.length < need) throw truncated(name, px.length, need);
  return { bytes: px.subarray(f * size, (f + 1) * size), bytesPerSample: (h.bitsAllocated / 8) as 1 | 2, planar: h.planar, rgb: false };
}

function truncated(name: string, have: number, need: number): DicomFormatError {
  return new DicomFormatError(`${name}: the pixel data is truncated: ${have} bytes where the header (rows × columns × samples × bits × frames) needs ${need}`);
}

/** The compressed frames of encapsulated pixel data, by the Basic Offset Table or the fragments. */
export function encapsulatedFrame(ds: DataSet, el: Element, f: number, frames: number, name: string): Uint8Array {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new DicomFormatError(`${name}: the encapsulated pixel data holds no fragments`);
  try {
    if (el.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(ds, el, f) as Uint8Array;
    if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length) as Uint8Array;
    if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, f, 1) as Uint8Array;
    // Several fragments per frame and no offset table: find the frames by their JPEG start markers.
    const table = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, f, table) as Uint8Array;
  } catch (err) {
    if (err instanceof DicomFormatError) throw err;
    throw new DicomFormatError(`${name}: frame ${f + 1} of ${frames} cannot be found in the encapsulated pixel data: ${typeof err === 'string' ? err : (err as Error)?.message}`, { cause: err });
  }
}

/** Reads the samples of `frame` as integers (masked to Bits Stored, sign-extended). */
function storedValues(frame: DecodedFrame, h: DicomHeader, littleEndian: boolean, count: number, name: string): Int32Array | Uint32Array | Float64Array {
  const bits = frame.bytesPerSample === 1 && h.bitsAllocated === 1 ? 1 : h.bitsAllocated > 8 && frame.bytesPerSample === 1 ? 8 : h.bitsAllocated;
  const bytesPer = Math.max(1, bits / 8);
  if (frame.bytes.length < count * (bits === 1 ? 1 : bytesPer)) {
    throw new DicomFormatError(`${name}: a decoded frame holds ${frame.bytes.length} bytes for ${count} samples of ${bits} bits`);
  }
  const view = new DataView(frame.bytes.buffer, frame.bytes.byteOffset, frame.bytes.byteLength);
  const shift = bits === 1 ? 0 : Math.max(0, h.highBit + 1 - h.bitsStored);
  const stored = Math.min(h.bitsStored, bits);
  const out = h.bitsAllocated === 32 ? new Float64Array(count) : new Int32Array(count);
  const signBit = 2 ** (stored - 1);
  const range = 2 ** stored;
  const mask = range - 1;
  for (let i = 0; i < count; i++) {
    let raw: number;
    if (bits <= 8) raw = frame.bytes[i]!;
    else if (bits === 16) raw = view.getUint16(i * 2, littleEndian);
    else raw = view.getUint32(i * 4, littleEndian);
    // Unsigned arithmetic for 32-bit (the bit operators are 32-bit signed).
    let v = bits === 32 ? Math.floor(raw / 2 ** shift) % range : (raw >>> shift) & mask;
    if (h.signed && v >= signBit) v -= range;
    out[i] = v;
  }
  return out;
}

/**
 * Writes frame `f`'s modality values into `out` (at f × rows × cols × channels), interleaved,
 * YBR turned into RGB.
 */
export function storeFrame(frame: DecodedFrame, h: DicomHeader, f: number, out: Float32Array, littleEndian: boolean, name: string): void {
  const pixels = h.rows * h.cols;
  const native422 = h.photometric === 'YBR_FULL_422' && h.samples === 3 && !frame.rgb && frame.bytes.length < pixels * 3 * frame.bytesPerSample;
  const count = native422 ? pixels * 2 : pixels * h.samples;
  const values = storedValues(frame, h, littleEndian, count, name);
  const base = f * pixels * h.samples;
  const target = out.subarray(base, base + pixels * h.samples);
  if (h.samples === 1) {
    modality(values, h, f, target);
    return;
  }
  let rgb: Float32Array;
  if (native422) rgb = expandYbr422(values, h.rows, h.cols);
  else {
    rgb = new Float32Array(pixels * 3);
    if (frame.planar) for (let i = 0; i < pixels; i++) for (let s = 0; s < 3; s++) rgb[i * 3 + s] = values[s * pixels + i]!;
    else rgb.set(values);
  }
  if ((h.photometric === 'YBR_FULL' || h.photometric === 'YBR_FULL_422') && !frame.rgb) {
    if (h.bitsAllocated !== 8) throw new DicomFormatError(`${name}: ${h.photometric} with ${h.bitsAllocated}-bit samples is not supported (8-bit only)`);
    ybrFullToRgb(rgb);
  }
  modality(rgb, h, f, target);
}

function modality(values: ArrayLike<number>, h: DicomHeader, f: number, out: Float32Array): void {
  const lut = h.modalityLut;
  if (lut) {
    const last = lut.table.length - 1;
    for (let i = 0; i < out.length; i++) {
      const k = values[i]! - lut.firstMapped;
      out[i] = lut.table[k < 0 ? 0 : k > last ? last : k]!;
    }
    return;
  }
  const r = h.rescale?.[Math.min(f, h.rescale.length - 1)];
  if (!r) {
    for (let i = 0; i < out.length; i++) out[i] = values[i]!;
    return;
  }
  // In float64, then rounded once to float32: pydicom's float64 result cast to float32.
  const { slope, intercept } = r;
  for (let i = 0; i < out.length; i++) out[i] = values[i]! * slope + intercept;
}
