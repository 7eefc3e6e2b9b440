/**
 * MedicalImage-shaped volumes → NIfTI-1 single files (`.nii`, or `.nii.gz` with fflate's gzip):
 * what `mi segment` and segmentVolume's callers save labels and probability maps as.
 *
 * Data come in C order of (i, j, k[, t]) (as readNifti gives them) and are written in NIfTI's order,
 * i fastest. The affine goes in as the sform (sform_code given, default 1 "scanner") and, when its
 * 3×3 part is a rotation times positive zooms (no shear), as the qform too (nifti1_io's
 * nifti_mat44_to_quatern), so readers that use only one of them agree. Values must fit the datatype
 * exactly (labels do): a value that would be rounded or clipped is an error, not a silent change.
 */
import { gzipSync } from 'fflate';
import { NiftiFormatError } from '../../errors.ts';

export type NiftiWriteType = 'uint8' | 'int16' | 'float32';

export interface NiftiWriteOptions {
  /** Stored type (default 'float32'). Integer types refuse values they cannot hold exactly. */
  datatype?: NiftiWriteType;
  /** gzip the file (.nii.gz; default false). */
  gzip?: boolean;
  /** sform_code (default 1, scanner anatomical; give the input's to keep its meaning). */
  sformCode?: number;
  /** qform_code when the affine is representable as a qform (default: sformCode). */
  qformCode?: number;
  /** The header's descrip (≤ 79 ASCII characters kept). */
  description?: string;
  /** The file's name, for messages. */
  name?: string;
}

const TYPES: Record<NiftiWriteType, { code: number; bytes: number; min: number; max: number; integer: boolean }> = {
  uint8: { code: 2, bytes: 1, min: 0, max: 255, integer: true },
  int16: { code: 4, bytes: 2, min: -32768, max: 32767, integer: true },
  float32: { code: 16, bytes: 4, min: -Infinity, max: Infinity, integer: false },
};

const HEADER = 348;
const VOX_OFFSET = 352; // header + the 4-byte extension flag (no extensions)

/** A NIfTI-1 file of `data` (C order of `shape`, 3 to 7 axes) with the voxel→world `affine`. */
export function writeNifti(data: Float32Array, shape: readonly number[], affine: readonly (readonly number[])[], options: NiftiWriteOptions = {}): Uint8Array {
  const name = options.name ?? 'NIfTI output';
  const type = TYPES[options.datatype ?? 'float32'];
  if (!type) throw new NiftiFormatError(`${name}: datatype ${String(options.datatype)} is not uint8, int16 or float32`);
  if (shape.length < 3 || shape.length > 7 || shape.some((n) => !Number.isInteger(n) || n < 1 || n > 32767)) {
    throw new NiftiFormatError(`${name}: shape ${shape.join('×')} is not 3 to 7 axes of 1..32767 voxels`);
  }
  const voxels = shape.reduce((a, b) => a * b, 1);
  if (data.length !== voxels) throw new NiftiFormatError(`${name}: ${data.length} values for shape ${shape.join('×')}`);
  const ok = affine.length === 4 && affine.every((r) => r.length === 4 && r.every(Number.isFinite));
  if (!ok) throw new NiftiFormatError(`${name}: the affine is not a finite 4×4 matrix`);

  const bytes = new Uint8Array(VOX_OFFSET + voxels * type.bytes);
  const view = new DataView(bytes.buffer);
  writeHeader(view, shape, affine, type, options);
  writeData(view, data, shape, type, name);
  return options.gzip ? gzipSync(bytes, { level: 6 }) : bytes;
}

function writeHeader(view: DataView, shape: readonly number[], affine: readonly (readonly number[])[], type: (typeof TYPES)[NiftiWriteType], options: NiftiWriteOptions): void {
  const i16 = (at: number, v: number) => view.setInt16(at, v, true);
  const f32 = (at: number, v: number) => view.setFloat32(at, v, true);
  view.setInt32(0, HEADER, true);
  view.setUint8(38, 'r'.charCodeAt(0));
  i16(40, shape.length);
  shape.forEach((n, a) => i16(42 + 2 * a, n));
  for (let a = shape.length; a < 7; a++) i16(42 + 2 * a, 1);
  i16(70, type.code);
  i16(72, type.bytes * 8);
  const zooms = [0, 1, 2].map((c) => Math.hypot(affine[0][c], affine[1][c], affine[2][c]));
  const q = quatern(affine, zooms);
  f32(76, q?.qfac ?? 1);
  zooms.forEach((z, a) => f32(80 + 4 * a, z));
  for (let a = 3; a < 7; a++) f32(80 + 4 * a, 1);
  f32(108, VOX_OFFSET);
  f32(112, 0); // scl_slope 0: no scaling
  view.setUint8(123, 2); // xyzt_units: mm
  const descrip = (options.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  for (let c = 0; c < descrip.length; c++) view.setUint8(148 + c, descrip.charCodeAt(c));
  const sformCode = options.sformCode ?? 1;
  i16(254, sformCode);
  if (q) {
    i16(252, options.qformCode ?? sformCode);
    f32(256, q.b);
    f32(260, q.c);
    f32(264, q.d);
    for (let r = 0; r < 3; r++) f32(268 + 4 * r, affine[r][3]);
  }
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) f32(280 + 16 * r + 4 * c, affine[r][c]);
  'n+1\0'.split('').forEach((ch, c) => view.setUint8(344 + c, ch.charCodeAt(0)));
}

/**
 * The qform of an affine whose 3×3 part is R · diag(zooms) with R orthonormal (det ±1), as
 * nifti1_io's nifti_mat44_to_quatern; undefined when it is not (shear, or a zero column).
 */
function quatern(affine: readonly (readonly number[])[], zooms: number[]): { b: number; c: number; d: number; qfac: number } | undefined {
  if (zooms.some((z) => !(z > 0))) return undefined;
  const r = [0, 1, 2].map((i) => [0, 1, 2].map((j) => affine[i][j] / zooms[j]));
  for (let a = 0; a < 3; a++) {
    for (let b = a; b < 3; b++) {
      const dot = r[0][a] * r[0][b] + r[1][a] * r[1][b] + r[2][a] * r[2][b];
      if (Math.abs(dot - (a === b ? 1 : 0)) > 1e-5) return undefined;
    }
  }
  const det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0]) + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (let i = 0; i < 3; i++) r[i][2] = -r[i][2];
  const [[r11, r12, r13], [r21, r22, r23], [r31, r32, r33]] = r;
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { ...storable(a, b, c, d), qfac };
}

/**
 * (b, c, d) as float32 values a reader turns back into this rotation. Readers rebuild
 * a = sqrt(1 − b² − c² − d²); near a half turn (a ≈ 0: LIA and other 180° flips) float32 rounding
 * of b, c, d leaves 1 − Σ ≈ 6e-8 and so a ≈ 2.5e-4, a visible tilt. There the largest component is
 * nudged up by ulps until Σ ≥ 1 in float32 terms, which readers (nibabel, ours) take as a = 0.
 */
function storable(a: number, b: number, c: number, d: number): { b: number; c: number; d: number } {
  const q = [b, c, d].map(Math.fround);
  if (a > 1e-3) return { b: q[0], c: q[1], d: q[2] };
  const big = q.reduce((m, v, i) => (Math.abs(v) > Math.abs(q[m]) ? i : m), 0);
  for (let step = 0; step < 8 && q.reduce((s, v) => s + v * v, 0) < 1; step++) q[big] = Math.fround(q[big] * (1 + 2 ** -23));
  return { b: q[0], c: q[1], d: q[2] };
}

/** C order of `shape` → file order (axis 0 fastest), converted and range-checked. */
function writeData(view: DataView, data: Float32Array, shape: readonly number[], type: (typeof TYPES)[NiftiWriteType], name: string): void {
  const n = shape.length;
  const cStride = new Array<number>(n);
  cStride[n - 1] = 1;
  for (let m = n - 2; m >= 0; m--) cStride[m] = cStride[m + 1] * shape[m + 1];
  const put = type.code === 2 ? (at: number, v: number) => view.setUint8(at, v) : type.code === 4 ? (at: number, v: number) => view.setInt16(at, v, true) : (at: number, v: number) => view.setFloat32(at, v, true);
  const counter = new Array<number>(n).fill(0);
  const total = data.length;
  let src = 0; // C-order index of counter
  for (let file = 0; file < total; file++) {
    const v = data[src];
    if (type.integer && (!Number.isInteger(v) || v < type.min || v > type.max)) {
      const idx = counter.join(', ');
      throw new NiftiFormatError(`${name}: value ${v} at voxel (${idx}) does not fit ${type.code === 2 ? 'uint8' : 'int16'}; write float32`);
    }
    put(VOX_OFFSET + file * type.bytes, v);
    // Next voxel in file order: axis 0 fastest.
    for (let m = 0; m < n; m++) {
      counter[m]++;
      src += cStride[m];
      if (counter[m] < shape[m]) break;
      src -= cStride[m] * shape[m];
      counter[m] = 0;
    }
  }
}
