/**
 * The attributes of a data set the reader needs, read once into plain data (no dicom-parser objects
 * past this point, so the result can cross into a worker and back): the Image Pixel module, the
 * modality LUT (rescale, per frame when Enhanced functional groups say so, or a Modality LUT
 * Sequence), the VOI module (windows, VOI LUT Sequence) and the geometry a series is sorted by.
 */
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import type { VoiLut, VoiWindow } from '../medical/types.ts';
import { DicomFormatError } from '../../errors.ts';

export interface Rescale {
  slope: number;
  intercept: number;
}

/** A Modality LUT Sequence item: out = table[clamp(x - firstMapped, 0, n - 1)] (as pydicom). */
export interface ModalityLut {
  firstMapped: number;
  bits: number;
  table: Uint16Array;
}

export interface DicomHeader {
  rows: number;
  cols: number;
  frames: number;
  samples: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  /** Planar Configuration 1: all of sample 0, then sample 1, … per frame. */
  planar: boolean;
  photometric: string;
  /** One per frame (Enhanced per-frame groups), or one for all; absent: identity. */
  rescale?: Rescale[];
  modalityLut?: ModalityLut;
  windows: VoiWindow[];
  voiLut?: VoiLut;
  /** Pixel Spacing: [between rows, between columns] (mm). */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  spacingBetweenSlices?: number;
  orientation?: number[];
  /** Image Position (Patient) of each frame (Enhanced), or of the one image. */
  positions?: number[][];
  seriesUid?: string;
  instanceNumber?: number;
  modality?: string;
}

const T = {
  rows: 'x00280010', cols: 'x00280011', frames: 'x00280008', samples: 'x00280002',
  bitsAllocated: 'x00280100', bitsStored: 'x00280101', highBit: 'x00280102', pixelRepresentation: 'x00280103',
  planar: 'x00280006', photometric: 'x00280004',
  slope: 'x00281053', intercept: 'x00281052', modalityLutSeq: 'x00283000', voiLutSeq: 'x00283010',
  lutDescriptor: 'x00283002', lutData: 'x00283006', lutExplanation: 'x00283003',
  windowCenter: 'x00281050', windowWidth: 'x00281051', windowExplanation: 'x00281055', voiFunction: 'x00281056',
  pixelSpacing: 'x00280030', sliceThickness: 'x00180050', spacingBetweenSlices: 'x00180088',
  orientation: 'x00200037', position: 'x00200032', seriesUid: 'x0020000e', instanceNumber: 'x00200013', modality: 'x00080060',
  shared: 'x52009229', perFrame: 'x52009230', pixelValueTransformation: 'x00289145', pixelMeasures: 'x00289110',
  planeOrientation: 'x00209116', planePosition: 'x00209113', frameVoiLut: 'x00289132',
} as const;

function numbers(ds: DataSet, tag: string): number[] | undefined {
  if (!ds.elements[tag] || ds.elements[tag]!.length === 0) return undefined;
  const n = ds.numStringValues(tag) ?? 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = ds.floatString(tag, i);
    if (v !== undefined && Number.isFinite(v)) out.push(v);
  }
  return out.length ? out : undefined;
}

function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** An attribute from the data set, else from the Enhanced shared group's `macro`, else frame 0's. */
function fromGroups(ds: DataSet, macro: string, tag: string): number[] | undefined {
  const top = numbers(ds, tag);
  if (top) return top;
  const shared = firstItem(firstItem(ds, T.shared), macro);
  const frame0 = firstItem(ds.elements[T.perFrame]?.items?.[0]?.dataSet, macro);
  return (shared && numbers(shared, tag)) ?? (frame0 && numbers(frame0, tag));
}

function required(ds: DataSet, tag: string, what: string, name: string): number {
  const v = ds.uint16(tag);
  if (v === undefined) throw new DicomFormatError(`${name}: ${what} ${tag} is missing, so the pixel data cannot be laid out`);
  return v;
}

function lutOf(ds: DataSet, item: DataSet, name: string, signedInput: boolean): { firstMapped: number; bits: number; table: Uint16Array } {
  const entries = item.uint16(T.lutDescriptor, 0);
  let first = item.uint16(T.lutDescriptor, 1);
  const bits = item.uint16(T.lutDescriptor, 2);
  const data = item.elements[T.lutData];
  if (entries === undefined || first === undefined || bits === undefined || !data) {
    throw new DicomFormatError(`${name}: a LUT item lacks its LUT Descriptor (0028,3002) or LUT Data (0028,3006)`);
  }
  // The descriptor's first mapped value is SS when the LUT's input can be negative: its VR says so in
  // explicit VR files; in implicit VR files, what the input is decides.
  const vr = item.elements[T.lutDescriptor]?.vr;
  if ((vr === 'SS' || (vr === undefined && signedInput)) && first > 0x7fff) first -= 0x10000;
  const n = entries === 0 ? 65536 : entries;
  const bytes = item.byteArray as Uint8Array;
  const table = new Uint16Array(n);
  if (data.length >= n * 2) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + data.dataOffset, n * 2);
    const little = ds.byteArrayParser !== dicomParser.bigEndianByteArrayParser;
    for (let i = 0; i < n; i++) table[i] = view.getUint16(i * 2, little);
  } else if (data.length >= n && bits <= 8) {
    // Old files pack 8-bit entries one per byte.
    for (let i = 0; i < n; i++) table[i] = bytes[data.dataOffset + i]!;
  } else {
    throw new DicomFormatError(`${name}: LUT Data (0028,3006) holds ${data.length} bytes for ${n} entries`);
  }
  return { firstMapped: first, bits, table };
}

function windowsOf(ds: DataSet, fallback?: DataSet): VoiWindow[] {
  const src = numbers(ds, T.windowCenter) ? ds : fallback;
  if (!src) return [];
  const centers = numbers(src, T.windowCenter) ?? [];
  const widths = numbers(src, T.windowWidth) ?? [];
  const fn = (ds.string(T.voiFunction) ?? src.string(T.voiFunction) ?? 'LINEAR').toUpperCase();
  const func = fn === 'LINEAR_EXACT' || fn === 'SIGMOID' ? fn : 'LINEAR';
  const out: VoiWindow[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const width = widths[i]!;
    // A width the function cannot use (0 is common: "no window") is no window at all.
    if (!(func === 'LINEAR' ? width >= 1 : width > 0)) continue;
    const explanation = src.string(T.windowExplanation, i);
    out.push({ center: centers[i]!, width, function: func, ...(explanation ? { explanation } : {}) });
  }
  return out;
}

/** Reads the header (see the file comment). `name` is the file's, for messages. */
export function readHeader(ds: DataSet, name: string): DicomHeader {
  const rows = required(ds, T.rows, 'Rows', name);
  const cols = required(ds, T.cols, 'Columns', name);
  const bitsAllocated = required(ds, T.bitsAllocated, 'Bits Allocated', name);
  const bitsStored = ds.uint16(T.bitsStored) ?? bitsAllocated;
  const highBit = ds.uint16(T.highBit) ?? bitsStored - 1;
  const samples = ds.uint16(T.samples) ?? 1;
  const frames = Math.max(1, ds.intString(T.frames) ?? 1);
  const signed = (ds.uint16(T.pixelRepresentation) ?? 0) === 1;
  const photometric = (ds.string(T.photometric) ?? (samples === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  if (![1, 8, 16, 32].includes(bitsAllocated)) throw new DicomFormatError(`${name}: Bits Allocated ${bitsAllocated} is not 1, 8, 16 or 32`);
  if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated) {
    throw new DicomFormatError(`${name}: Bits Stored ${bitsStored} / High Bit ${highBit} do not fit Bits Allocated ${bitsAllocated}`);
  }
  if (samples !== 1 && samples !== 3) throw new DicomFormatError(`${name}: ${samples} samples per pixel (only 1 and 3 are read)`);
  if (rows === 0 || cols === 0) throw new DicomFormatError(`${name}: the image is ${rows}×${cols}: no pixels`);

  const header: DicomHeader = {
    rows, cols, frames, samples, bitsAllocated, bitsStored, highBit, signed,
    planar: samples > 1 && ds.uint16(T.planar) === 1,
    photometric,
    windows: [],
  };

  // Modality LUT: a sequence, else rescale (top level, else per frame / shared functional groups).
  const mlut = firstItem(ds, T.modalityLutSeq);
  if (mlut) header.modalityLut = lutOf(ds, mlut, name, signed);
  else header.rescale = rescaleOf(ds, frames);

  const perFrameVoi = firstItem(ds.elements[T.perFrame]?.items?.[0]?.dataSet, T.frameVoiLut) ?? firstItem(firstItem(ds, T.shared), T.frameVoiLut);
  header.windows = windowsOf(ds, perFrameVoi);
  const vlut = firstItem(ds, T.voiLutSeq);
  if (vlut) {
    const { firstMapped, bits, table } = lutOf(ds, vlut, name, signed || !!header.rescale?.some((r) => r.intercept < 0));
    const explanation = vlut.string(T.lutExplanation);
    header.voiLut = { firstMapped, bits, table, ...(explanation ? { explanation } : {}) };
  }

  const spacing = fromGroups(ds, T.pixelMeasures, T.pixelSpacing);
  if (spacing && spacing.length >= 2) header.pixelSpacing = [spacing[0]!, spacing[1]!];
  header.sliceThickness = fromGroups(ds, T.pixelMeasures, T.sliceThickness)?.[0];
  header.spacingBetweenSlices = numbers(ds, T.spacingBetweenSlices)?.[0];
  const orientation = fromGroups(ds, T.planeOrientation, T.orientation);
  if (orientation?.length === 6) header.orientation = orientation;
  header.positions = positionsOf(ds, frames);
  header.seriesUid = ds.string(T.seriesUid)?.replace(/\0/g, '').trim() || undefined;
  header.instanceNumber = ds.intString(T.instanceNumber);
  header.modality = ds.string(T.modality);
  return header;
}

function rescaleOne(ds: DataSet | undefined): Rescale | undefined {
  if (!ds) return undefined;
  const slope = ds.floatString(T.slope);
  const intercept = ds.floatString(T.intercept);
  if (slope === undefined && intercept === undefined) return undefined;
  return { slope: Number.isFinite(slope) ? slope! : 1, intercept: Number.isFinite(intercept) ? intercept! : 0 };
}

function rescaleOf(ds: DataSet, frames: number): Rescale[] | undefined {
  const top = rescaleOne(ds);
  if (top) return [top];
  const perFrame: Element | undefined = ds.elements[T.perFrame];
  const shared = rescaleOne(firstItem(firstItem(ds, T.shared), T.pixelValueTransformation));
  if (perFrame?.items?.length) {
    const list: Rescale[] = [];
    for (let f = 0; f < frames; f++) {
      const r = rescaleOne(firstItem(perFrame.items[f]?.dataSet, T.pixelValueTransformation)) ?? shared;
      if (!r) return shared ? [shared] : undefined;
      list.push(r);
    }
    return list;
  }
  return shared ? [shared] : undefined;
}

function positionsOf(ds: DataSet, frames: number): number[][] | undefined {
  const top = numbers(ds, T.position);
  if (top?.length === 3) return [top];
  const perFrame = ds.elements[T.perFrame]?.items;
  if (!perFrame?.length) return undefined;
  const list: number[][] = [];
  for (let f = 0; f < frames; f++) {
    const p = firstItem(perFrame[f]?.dataSet, T.planePosition);
    const v = p && numbers(p, T.position);
    if (v?.length !== 3) return undefined;
    list.push(v);
  }
  return list;
}
