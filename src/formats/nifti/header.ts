/**
 * A NIfTI-1/2 header: checked (sizeof_hdr, magic, dims, datatype) and read with nifti-reader-js, plus
 * what nibabel derives from it: the affine `img.affine` reports and the scaling get_fdata() applies.
 *
 * nibabel's rules, followed here (nibabel 5, nifti1.py / volumeutils.py):
 * - affine: sform if sform_code ≠ 0, else qform if qform_code ≠ 0, else the "base affine" from pixdim
 *   (x flipped, origin at the centre: diag(-px, py, pz), translation −(shape−1)/2 · zooms);
 * - qform: quaternion (b, c, d) with a = sqrt(1 − b² − c² − d²) (0 when slightly negative), rotation
 *   times diag(pixdim[1], pixdim[2], qfac · pixdim[3]); qfac = pixdim[0], taken as 1 unless it is −1;
 * - scaling: value · scl_slope + scl_inter when scl_slope is finite and non-zero, else none.
 */
import { NIFTI1, NIFTI2 } from 'nifti-reader-js';
import { NiftiFormatError } from '../../errors.ts';

/** How each supported datatype code is stored. */
export interface NiftiDatatype {
  name: string;
  /** Bytes of one voxel. */
  bytes: number;
  /** Values per voxel: 1, or 3 for RGB24 (RGBA32's alpha is dropped). */
  channels: 1 | 3;
  /** Bytes of one stored component (for byte swapping). */
  component: number;
  /** A typed view of `count` components at byte `offset` of `buf` (aligned, native byte order). */
  view(buf: ArrayBuffer, offset: number, count: number): ArrayLike<number> | BigInt64Array | BigUint64Array;
}

const scalar = (name: string, bytes: number, view: NiftiDatatype['view']): NiftiDatatype => ({ name, bytes, channels: 1, component: bytes, view });

export const DATATYPES: Readonly<Record<number, NiftiDatatype>> = {
  2: scalar('uint8', 1, (b, o, n) => new Uint8Array(b, o, n)),
  4: scalar('int16', 2, (b, o, n) => new Int16Array(b, o, n)),
  8: scalar('int32', 4, (b, o, n) => new Int32Array(b, o, n)),
  16: scalar('float32', 4, (b, o, n) => new Float32Array(b, o, n)),
  64: scalar('float64', 8, (b, o, n) => new Float64Array(b, o, n)),
  256: scalar('int8', 1, (b, o, n) => new Int8Array(b, o, n)),
  512: scalar('uint16', 2, (b, o, n) => new Uint16Array(b, o, n)),
  768: scalar('uint32', 4, (b, o, n) => new Uint32Array(b, o, n)),
  1024: scalar('int64', 8, (b, o, n) => new BigInt64Array(b, o, n)),
  1280: scalar('uint64', 8, (b, o, n) => new BigUint64Array(b, o, n)),
  128: { name: 'RGB24', bytes: 3, channels: 3, component: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
  2304: { name: 'RGBA32', bytes: 4, channels: 3, component: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
};

/** Names of the codes we do not read, for the message. */
const UNSUPPORTED: Readonly<Record<number, string>> = { 1: 'binary', 32: 'complex64', 1536: 'float128', 1792: 'complex128', 2048: 'complex256' };

export interface NiftiHeader {
  version: 1 | 2;
  littleEndian: boolean;
  /** dim[1..dim[0]]: the shape nibabel reports (i, j, k[, t, ...]). */
  shape: number[];
  datatypeCode: number;
  datatype: NiftiDatatype;
  /** Where the voxels start. */
  voxOffset: number;
  /** pixdim[1..dim[0]] (nibabel's get_zooms()). */
  zooms: number[];
  /** Applied as value · slope + inter; undefined when the header says no scaling. */
  scaling?: { slope: number; inter: number };
  /** nibabel's img.affine, row-major 4×4. */
  affine: number[][];
  /** Which transform the affine came from. */
  affineFrom: 'sform' | 'qform' | 'pixdim';
  /** That transform's code (sform_code or qform_code: 1 scanner, 2 aligned, 3 Talairach, 4 MNI); 0 for pixdim. */
  xformCode: number;
}

/** NIfTI-1's and NIfTI-2's header sizes; the data of a single-file image starts 4 bytes later at the earliest. */
export const HEADER_BYTES = { 1: 348, 2: 540 } as const;

/** The version the first bytes announce (sizeof_hdr in either byte order), or undefined. */
export function niftiVersion(bytes: Uint8Array): { version: 1 | 2; littleEndian: boolean } | undefined {
  if (bytes.length < 4) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const size = dv.getInt32(0, littleEndian);
    if (size === 348) return { version: 1, littleEndian };
    if (size === 540) return { version: 2, littleEndian };
  }
  return undefined;
}

/** True when `bytes` start with a single-file NIfTI-1 or NIfTI-2 header (sizeof_hdr and magic). */
export function hasNiftiMagic(bytes: Uint8Array): boolean {
  const v = niftiVersion(bytes);
  if (!v) return false;
  const ascii = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  return v.version === 1 ? bytes.length >= 348 && ascii(344, 4) === 'n+1\0' : bytes.length >= 12 && ascii(4, 4) === 'n+2\0';
}

/** Parses and checks the header at the start of `bytes` (at least the header's size). */
export function parseNiftiHeader(bytes: Uint8Array, name: string): NiftiHeader {
  const fail = (why: string): never => {
    throw new NiftiFormatError(`${name}: ${why}`);
  };
  const v = niftiVersion(bytes);
  if (!v) {
    const got = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getInt32(0, true) : undefined;
    return fail(`not a NIfTI file: sizeof_hdr is ${got ?? `missing (${bytes.length} bytes)`}, not 348 (NIfTI-1) or 540 (NIfTI-2)`);
  }
  const size = HEADER_BYTES[v.version];
  if (bytes.length < size) fail(`truncated header: ${bytes.length} bytes, NIfTI-${v.version} needs ${size}`);
  const magicAt = v.version === 1 ? 344 : 4;
  const magic = String.fromCharCode(...bytes.subarray(magicAt, magicAt + 4));
  if (magic === 'ni1\0' || magic === 'ni2\0') fail('the header of a .hdr/.img pair: give the single-file .nii (or .nii.gz)');
  if (magic !== (v.version === 1 ? 'n+1\0' : 'n+2\0')) fail(`bad magic ${JSON.stringify(magic)} at byte ${magicAt} (want "n+${v.version}")`);

  // Exactly the header's bytes, so the library does not try to read extensions (we skip to vox_offset).
  const raw = new Uint8Array(bytes.subarray(0, size)).buffer; // a copy (Buffer.slice would be a view)
  const h = v.version === 1 ? new NIFTI1() : new NIFTI2();
  try {
    h.readHeader(raw);
  } catch (err) {
    fail(`unreadable header (${(err as Error).message})`);
  }
  const ndim = h.dims[0];
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) fail(`dim[0] is ${ndim}: the number of dimensions must be 1 to 7`);
  const shape = h.dims.slice(1, ndim + 1);
  if (shape.some((d) => !Number.isSafeInteger(d) || d <= 0)) fail(`dims [${shape.join(', ')}] must all be positive`);
  const datatype = DATATYPES[h.datatypeCode];
  if (!datatype) {
    const known = UNSUPPORTED[h.datatypeCode];
    fail(known ? `datatype ${known} (${h.datatypeCode}) is not supported` : `unknown datatype code ${h.datatypeCode}`);
  }
  const minOffset = size + 4;
  const rawOffset = Number(h.vox_offset);
  if (!Number.isFinite(rawOffset) || rawOffset > Number.MAX_SAFE_INTEGER) fail(`vox_offset ${rawOffset} is not a byte offset`);
  // nibabel's fix for a single file: an offset inside the header means "right after it".
  const voxOffset = Math.max(Math.floor(rawOffset), minOffset);

  let scaling: NiftiHeader['scaling'];
  const slope = Number(h.scl_slope);
  const inter = Number(h.scl_inter);
  if (datatype.channels === 1 && Number.isFinite(slope) && slope !== 0) {
    if (!Number.isFinite(inter)) fail(`scl_slope is ${slope} but scl_inter is ${inter}`);
    scaling = { slope, inter };
  }
  const zooms = h.pixDims.slice(1, ndim + 1).map(Number);
  const { affine, from } = bestAffine(h, bytes, v, shape, zooms, fail);
  return {
    version: v.version,
    littleEndian: v.littleEndian,
    shape,
    datatypeCode: h.datatypeCode,
    datatype,
    voxOffset,
    zooms,
    scaling,
    affine,
    affineFrom: from,
    xformCode: from === 'sform' ? Number(h.sform_code) : from === 'qform' ? Number(h.qform_code) : 0,
  };
}

function bestAffine(
  h: NIFTI1 | NIFTI2,
  bytes: Uint8Array,
  v: { version: 1 | 2; littleEndian: boolean },
  shape: number[],
  zooms: number[],
  fail: (why: string) => never,
): { affine: number[][]; from: NiftiHeader['affineFrom'] } {
  if (h.sform_code !== 0) {
    // Read srow_x/y/z ourselves: the library's `affine` prefers the qform when both are set.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = v.version === 1 ? 280 : 400;
    const step = v.version === 1 ? 4 : 8;
    const get = (i: number) => (v.version === 1 ? dv.getFloat32(at + i * step, v.littleEndian) : dv.getFloat64(at + i * step, v.littleEndian));
    const rows = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => get(r * 4 + c)));
    return { affine: [...rows, [0, 0, 0, 1]], from: 'sform' };
  }
  if (h.qform_code !== 0) {
    const [b, c, d] = [h.quatern_b, h.quatern_c, h.quatern_d].map(Number);
    const w2 = 1 - (b * b + c * c + d * d);
    if (w2 < -3 * 2 ** -23) fail(`qform quaternion (${b}, ${c}, ${d}) is longer than 1`);
    const a = w2 < 0 ? 0 : Math.sqrt(w2);
    const R = quatToMatrix(a, b, c, d);
    const px = h.pixDims.slice(1, 4).map(Number);
    if (px.some((p) => p < 0)) fail(`pixdim[1..3] (${px.join(', ')}) must not be negative for a qform`);
    const qfac = Number(h.pixDims[0]) === -1 ? -1 : 1;
    const s = [px[0], px[1], px[2] * qfac];
    const offsets = [h.qoffset_x, h.qoffset_y, h.qoffset_z].map(Number);
    const rows = [0, 1, 2].map((r) => [R[r][0] * s[0], R[r][1] * s[1], R[r][2] * s[2], offsets[r]]);
    return { affine: [...rows, [0, 0, 0, 1]], from: 'qform' };
  }
  // nibabel's shape_zoom_affine(shape, zooms, x_flip=True) on the first three axes (missing ones are 1).
  const s3 = [0, 1, 2].map((i) => shape[i] ?? 1);
  const z3 = [0, 1, 2].map((i) => zooms[i] ?? 1);
  z3[0] = -z3[0];
  const rows = [0, 1, 2].map((r) => [0, 1, 2].map((c) => (r === c ? z3[r] : 0)).concat([-((s3[r] - 1) / 2) * z3[r]]));
  return { affine: [...rows, [0, 0, 0, 1]], from: 'pixdim' };
}

/** nibabel's quat2mat (w, x, y, z). */
function quatToMatrix(w: number, x: number, y: number, z: number): number[][] {
  const n = w * w + x * x + y * y + z * z;
  if (n < Number.EPSILON) return [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
  const s = 2 / n;
  const [X, Y, Z] = [x * s, y * s, z * s];
  const [wX, wY, wZ, xX, xY, xZ, yY, yZ, zZ] = [w * X, w * Y, w * Z, x * X, x * Y, x * Z, y * Y, y * Z, z * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}
