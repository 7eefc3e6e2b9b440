/**
 * NIfTI-1/2 (`.nii`, `.nii.gz`) → MedicalImage: the voxels with scl_slope/scl_inter applied, laid out
 * as nibabel's `get_fdata()` (shape (i, j, k[, t, ...]) in C order), with nibabel's affine. The header
 * is read with nifti-reader-js (header.ts); datatype conversion, byte order, scaling and the one
 * transpose are ours.
 *
 * NIfTI stores i fastest (Fortran order of (i, j, k)); C order of (i, j, k) has k fastest. The data are
 * read once, in file order, each value written to its C-order place (a strided store per row of i).
 *
 * Sizes are checked before anything big is allocated or inflated: the voxel count against
 * limits.maxTensorElements, the declared bytes against the file (or, for .nii.gz, only the header is
 * inflated until then; see gunzip.ts).
 */
import { NiftiFormatError } from '../../errors.ts';
import { checkLimit, type EngineLimits } from '../../limits.ts';
import type { MedicalImage } from '../medical/types.ts';
import { BoundedGunzip, isGzip } from './gunzip.ts';
import { HEADER_BYTES, hasNiftiMagic, parseNiftiHeader, type NiftiHeader } from './header.ts';

export { isGzip } from './gunzip.ts';
export type { NiftiHeader } from './header.ts';

export interface NiftiReadOptions {
  /** The file's name, for messages (default "NIfTI file"). */
  name?: string;
  /** maxTensorElements bounds the voxel count (× 3 for RGB), checked before allocating. */
  limits?: Partial<EngineLimits>;
}

/** The image and the header it came from (for tools that want the raw fields). */
export interface NiftiImage extends MedicalImage {
  header: NiftiHeader;
}

/**
 * True for a single-file NIfTI header at the start of `bytes`, or a gzip stream whose first bytes
 * inflate to one (only those few hundred bytes are inflated).
 */
export function isNifti(bytes: Uint8Array): boolean {
  if (!isGzip(bytes)) return hasNiftiMagic(bytes);
  try {
    const gz = new BoundedGunzip(bytes);
    gz.pull(HEADER_BYTES[2]);
    return hasNiftiMagic(gz.head(HEADER_BYTES[2]));
  } catch {
    return false;
  }
}

/** Reads a `.nii` or `.nii.gz` (gzip is recognised by its bytes, not the name). */
export function readNifti(given: Uint8Array, options: NiftiReadOptions = {}): NiftiImage {
  const bytes = plain(given);
  const name = options.name ?? 'NIfTI file';
  const gz = isGzip(bytes) ? new BoundedGunzip(bytes) : undefined;
  const inflate = (n: number) => {
    try {
      return gz!.pull(n);
    } catch (err) {
      throw new NiftiFormatError(`${name}: corrupt gzip stream (${(err as Error).message})`, { cause: err });
    }
  };

  let headBytes = bytes;
  if (gz) {
    inflate(HEADER_BYTES[2]);
    headBytes = gz.head(HEADER_BYTES[2]);
  }
  const header = parseNiftiHeader(headBytes, name);
  const { shape, datatype } = header;
  const voxels = shape.reduce((a, b) => a * b, 1);
  const values = voxels * datatype.channels;
  const shown = `${name} (${shape.join('×')}${datatype.channels === 3 ? '×3' : ''} ${datatype.name})`;
  checkLimit(options.limits, 'maxTensorElements', values, `NIfTI image ${shown}`, 'values');
  const dataBytes = voxels * datatype.bytes;
  const end = header.voxOffset + dataBytes;

  let file = bytes;
  if (gz) {
    // Deflate expands at most ~1032:1, so a stream this short cannot hold what the header claims
    // (a huge vox_offset would otherwise size the buffer below).
    if (end > bytes.length * 1032 + 1024) {
      throw new NiftiFormatError(`${shown}: truncated data: the header needs ${end} bytes, more than ${bytes.length} bytes of gzip can inflate to`);
    }
    // The header's sizes are within the limits: inflate exactly that much, no more.
    file = gz.into(end);
    const got = inflate(end);
    if (got < end) throw truncated(shown, got, end, 'inflated');
  } else if (bytes.length < end) {
    throw truncated(shown, bytes.length, end, 'in the file');
  }
  const data = convert(file, header, voxels);
  return {
    format: 'nifti',
    name,
    data,
    shape: datatype.channels === 3 ? [...shape, 3] : [...shape],
    channels: datatype.channels,
    spacing: header.zooms.slice(0, 3).map(Math.abs),
    affine: header.affine,
    description: describe(header, gz !== undefined),
    header,
  };
}

/** A plain Uint8Array over the same bytes: Node's Buffer.slice makes views, not copies. */
const plain = (b: Uint8Array): Uint8Array => (Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

function truncated(shown: string, got: number, want: number, where: string): NiftiFormatError {
  return new NiftiFormatError(`${shown}: truncated data: ${got} bytes ${where}, the header needs ${want}`);
}

/** The voxels as float32 in C order of `shape` (+ channel), scaled. */
function convert(file: Uint8Array, h: NiftiHeader, voxels: number): Float32Array {
  const { datatype, shape } = h;
  const count = voxels * (datatype.bytes / datatype.component); // stored components
  const start = file.byteOffset + h.voxOffset;
  const needsSwap = !h.littleEndian && datatype.component > 1;
  let src: ArrayLike<number> | BigInt64Array | BigUint64Array;
  if (!needsSwap && start % datatype.component === 0 && file.buffer instanceof ArrayBuffer) {
    src = datatype.view(file.buffer, start, count); // the file's own bytes, no copy
  } else {
    const copy = file.slice(h.voxOffset, h.voxOffset + count * datatype.component);
    if (needsSwap) swapBytes(copy, datatype.component);
    src = datatype.view(copy.buffer, 0, count);
  }

  const channelsIn = datatype.bytes / datatype.component; // 1, 3 (RGB24) or 4 (RGBA32)
  const channelsOut = datatype.channels;
  const out = new Float32Array(voxels * channelsOut);
  // C-order strides of (d0, d1, ..., channel).
  const n = shape.length;
  const stride = new Array<number>(n);
  stride[n - 1] = channelsOut;
  for (let m = n - 2; m >= 0; m--) stride[m] = stride[m + 1] * shape[m + 1];
  const slope = h.scaling?.slope ?? 1;
  const inter = h.scaling?.inter ?? 0;
  const big = src instanceof BigInt64Array || src instanceof BigUint64Array;
  const at = big ? (i: number) => Number((src as BigInt64Array)[i]) : (i: number) => (src as ArrayLike<number>)[i];

  if (channelsOut === 1 && !big && n >= 2) {
    transposeBlocked(src as ArrayLike<number>, out, shape, stride, h.scaling);
    return out;
  }
  const d0 = shape[0];
  const s0 = stride[0];
  const counter = new Array<number>(n).fill(0);
  let read = 0;
  let base = 0; // output offset of (0, counter[1], ..., counter[n-1])
  for (let row = 0; row < voxels / d0; row++) {
    if (channelsOut === 1 && !big) {
      const s = src as ArrayLike<number>;
      if (h.scaling) for (let i = 0, o = base; i < d0; i++, o += s0) out[o] = s[read++] * slope + inter;
      else for (let i = 0, o = base; i < d0; i++, o += s0) out[o] = s[read++];
    } else {
      for (let i = 0, o = base; i < d0; i++, o += s0) {
        for (let c = 0; c < channelsOut; c++) out[o + c] = at(read + c) * slope + inter;
        read += channelsIn;
      }
    }
    // Next row: advance the odometer over axes 1..n-1 (axis 1 fastest in the file).
    for (let m = 1; m < n; m++) {
      counter[m]++;
      base += stride[m];
      if (counter[m] < shape[m]) break;
      base -= stride[m] * shape[m];
      counter[m] = 0;
    }
  }
  return out;
}

/** Rows of the last axis handled together: their writes for one i are contiguous in the output. */
const BLOCK = 32;

/**
 * File order (axis 0 fastest) → C order, scaled, for one value per voxel. Writing one file row (a run
 * of i) at a time would touch a new cache line per value (stride J·K·… floats); instead BLOCK rows
 * that differ only in the LAST axis are read side by side, so for each i the BLOCK values written are
 * adjacent in the output (that axis has stride 1). On the 256³ t1_crop (uint8, gzip) readNifti went
 * from about 1.2 s to 0.45–0.8 s on a busy 2-core machine (inflating alone: 0.1–0.2 s); blocks of
 * 16 and 64 measured no better.
 */
function transposeBlocked(src: ArrayLike<number>, out: Float32Array, shape: number[], stride: number[], scaling: NiftiHeader['scaling']): void {
  const n = shape.length;
  const last = n - 1;
  const d0 = shape[0];
  const s0 = stride[0];
  const dLast = shape[last];
  // File strides (in voxels) of each axis: axis 0 is 1, axis m is the product of the axes before it.
  const fileStride = new Array<number>(n);
  fileStride[0] = 1;
  for (let m = 1; m < n; m++) fileStride[m] = fileStride[m - 1] * shape[m - 1];
  const rowLast = fileStride[last];
  const slope = scaling?.slope ?? 1;
  const inter = scaling?.inter ?? 0;
  const scaled = scaling !== undefined;
  // Odometer over the middle axes 1..n-2 (none for 2-D).
  const counter = new Array<number>(n).fill(0);
  const middles = shape.slice(1, last).reduce((a, b) => a * b, 1);
  let fileBase = 0;
  let outBase = 0;
  for (let mid = 0; mid < middles; mid++) {
    for (let k0 = 0; k0 < dLast; k0 += BLOCK) {
      const kb = Math.min(BLOCK, dLast - k0);
      const f0 = fileBase + k0 * rowLast;
      const o0 = outBase + k0; // the last axis has output stride 1
      for (let i = 0; i < d0; i++) {
        const o = o0 + i * s0;
        let f = f0 + i;
        if (scaled) for (let kk = 0; kk < kb; kk++, f += rowLast) out[o + kk] = src[f] * slope + inter;
        else for (let kk = 0; kk < kb; kk++, f += rowLast) out[o + kk] = src[f];
      }
    }
    for (let m = 1; m < last; m++) {
      counter[m]++;
      fileBase += fileStride[m];
      outBase += stride[m];
      if (counter[m] < shape[m]) break;
      fileBase -= fileStride[m] * shape[m];
      outBase -= stride[m] * shape[m];
      counter[m] = 0;
    }
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

function describe(h: NiftiHeader, gzipped: boolean): string {
  const scaled = h.scaling ? `, scl_slope ${h.scaling.slope} scl_inter ${h.scaling.inter}` : '';
  const order = h.littleEndian ? '' : ', big-endian';
  return `NIfTI-${h.version}${gzipped ? ' (gzip)' : ''} ${h.datatype.name}${order}, ${h.shape.join('×')}${scaled}, affine from ${h.affineFrom}`;
}
