/**
 * Conform: reorient and resample a volume to a model's grid, by default FreeSurfer's (and
 * FastSurfer's conform.py): 256³ voxels of 1 mm in LIA orientation (i → Left, j → Inferior,
 * k → Anterior), centred where the input's centre is. Then the way back: a label volume on that grid
 * resampled onto the input's own grid by nearest neighbour, through the two affines.
 *
 * The geometry follows FastSurfer's conform (nibabel's MGHHeader): the target's centre is the input's
 * affine applied to shape / 2 (not (shape − 1) / 2), and the target's voxel shape / 2 maps to it.
 * Sampling follows scipy.ndimage (what FastSurfer's map_image calls, affine_transform with mode
 * 'constant'): a target voxel whose source coordinate lies outside [0, n − 1] on any axis is 0;
 * inside, order 1 is trilinear between the 8 neighbours, order 0 takes floor(x + 0.5). FastSurfer
 * also rescales intensities to uchar; we do not (the model's own normalisation follows).
 *
 * Volumes are float32 in C order of (i, j, k), as MedicalImage holds NIfTI (k fastest).
 */
import { ShapeError } from '../errors.ts';
import { apply, invert, multiply, nearlyEqual, type Affine } from './affine.ts';

export type Shape3 = [number, number, number];

/** A voxel grid: its shape (i, j, k) and voxel→world affine. */
export interface Grid {
  shape: Shape3;
  affine: Affine;
}

export interface ConformSpec {
  /** Voxels per axis (default 256). */
  size?: number;
  /** Voxel edge in mm (default 1). */
  voxelSize?: number;
  /**
   * Where each voxel axis points, as three letters of R/L, A/P, S/I (default 'LIA', FreeSurfer's).
   */
  orientation?: string;
}

const AXIS: Record<string, [number, number]> = { R: [0, 1], L: [0, -1], A: [1, 1], P: [1, -1], S: [2, 1], I: [2, -1] };

/** Direction columns (unit vectors in RAS) of an orientation code such as 'LIA'. */
export function directions(code: string): Affine {
  const letters = code.toUpperCase().split('');
  const axes = letters.map((l) => AXIS[l]);
  if (letters.length !== 3 || axes.some((a) => !a) || new Set(axes.map((a) => a[0])).size !== 3) {
    throw new ShapeError(`orientation "${code}" is not three letters naming each of R/L, A/P, S/I once`);
  }
  const m = [0, 1, 2].map(() => [0, 0, 0]);
  axes.forEach(([world, sign], column) => (m[world][column] = sign));
  return m;
}

/** The target grid for an input grid: `size`³ voxels of `voxelSize` mm, centred on the input's centre. */
export function conformGrid(input: Grid, spec: ConformSpec = {}): Grid {
  const size = spec.size ?? 256;
  const voxel = spec.voxelSize ?? 1;
  if (!Number.isInteger(size) || size < 1 || size > 2048) throw new ShapeError(`conform size ${size} is not a whole number of voxels in 1..2048`);
  if (!(voxel > 0) || !Number.isFinite(voxel)) throw new ShapeError(`conform voxel size ${voxel} mm is not a positive number`);
  const dir = directions(spec.orientation ?? 'LIA');
  const centre = apply(input.affine, input.shape.map((n) => n / 2));
  const m = dir.map((row) => row.map((v) => v * voxel));
  const half = size / 2;
  const t = [0, 1, 2].map((r) => centre[r] - (m[r][0] + m[r][1] + m[r][2]) * half);
  return {
    shape: [size, size, size],
    affine: [[...m[0], t[0]], [...m[1], t[1]], [...m[2], t[2]], [0, 0, 0, 1]],
  };
}

/**
 * True when two grids are the same voxels: equal shapes and affines within `tol` mm (default 1e-3,
 * far below any resampling's effect and above a header's float32 rounding of its sform).
 */
export function sameGrid(a: Grid, b: Grid, tol = 1e-3): boolean {
  return a.shape.every((n, i) => n === b.shape[i]) && nearlyEqual(a.affine, b.affine, tol);
}

/** Target voxel → source voxel: inverse(source affine) · target affine. */
function voxelMap(from: Grid, to: Grid): Affine {
  return multiply(invert(from.affine), to.affine);
}

/**
 * Called after each slab of the target's first axis with the fraction done: for progress, and to
 * stop a long resampling (an exception thrown here ends it, e.g. an AbortError).
 */
export type SlabCallback = (fraction: number) => void;

/** Calls `each(index, x, y, z)` for every target voxel in C order with its source coordinates. */
function forEachTarget(from: Grid, to: Grid, each: (index: number, x: number, y: number, z: number) => void, onSlab?: SlabCallback): void {
  const v = voxelMap(from, to);
  const [I, J, K] = to.shape;
  let index = 0;
  for (let i = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      // Source coordinates at (i, j, 0); k adds column 2 each step.
      const x0 = v[0][0] * i + v[0][1] * j + v[0][3];
      const y0 = v[1][0] * i + v[1][1] * j + v[1][3];
      const z0 = v[2][0] * i + v[2][1] * j + v[2][3];
      for (let k = 0; k < K; k++, index++) each(index, x0 + v[0][2] * k, y0 + v[1][2] * k, z0 + v[2][2] * k);
    }
    onSlab?.((i + 1) / I);
  }
}

function checkData(data: Float32Array, grid: Grid, what: string): void {
  const n = grid.shape[0] * grid.shape[1] * grid.shape[2];
  if (data.length !== n) throw new ShapeError(`${what}: ${data.length} values for a ${grid.shape.join('×')} grid`);
}

/** Resamples `data` on `from` onto `to` by trilinear interpolation (scipy order 1, mode 'constant', cval 0). */
export function resampleLinear(data: Float32Array, from: Grid, to: Grid, onSlab?: SlabCallback): Float32Array {
  checkData(data, from, 'resampleLinear');
  const [I, J, K] = from.shape;
  const out = new Float32Array(to.shape[0] * to.shape[1] * to.shape[2]);
  const JK = J * K;
  forEachTarget(from, to, (index, x, y, z) => {
    if (!(x >= 0 && x <= I - 1 && y >= 0 && y <= J - 1 && z >= 0 && z <= K - 1)) return;
    // The lower corner, kept inside so that x = n − 1 reads its own voxel with weight 1.
    const x0 = Math.min(Math.floor(x), I - 2 < 0 ? 0 : I - 2);
    const y0 = Math.min(Math.floor(y), J - 2 < 0 ? 0 : J - 2);
    const z0 = Math.min(Math.floor(z), K - 2 < 0 ? 0 : K - 2);
    const fx = x - x0;
    const fy = y - y0;
    const fz = z - z0;
    const dx = I > 1 ? JK : 0;
    const dy = J > 1 ? K : 0;
    const dz = K > 1 ? 1 : 0;
    const b = x0 * JK + y0 * K + z0;
    const c00 = data[b] * (1 - fz) + data[b + dz] * fz;
    const c01 = data[b + dy] * (1 - fz) + data[b + dy + dz] * fz;
    const c10 = data[b + dx] * (1 - fz) + data[b + dx + dz] * fz;
    const c11 = data[b + dx + dy] * (1 - fz) + data[b + dx + dy + dz] * fz;
    out[index] = (c00 * (1 - fy) + c01 * fy) * (1 - fx) + (c10 * (1 - fy) + c11 * fy) * fx;
  }, onSlab);
  return out;
}

/**
 * Source coordinates within this many voxels of a half-way point are snapped onto it before
 * rounding: the two affines' products leave ~1e-13 of noise, and a volume with an odd axis conforms
 * to coordinates exactly half-way between voxels, where that noise would pick either neighbour.
 * Snapped, the tie goes up (floor(x + 0.5)), as scipy's order 0 does on an exact half.
 */
const SNAP = 1e-6;
const snap = (x: number) => Math.round(x / SNAP) * SNAP;

/** Resamples labels on `from` onto `to` by nearest neighbour (scipy order 0, mode 'constant', cval 0). */
export function resampleNearest(labels: Float32Array, from: Grid, to: Grid, onSlab?: SlabCallback): Float32Array {
  checkData(labels, from, 'resampleNearest');
  const [I, J, K] = from.shape;
  const out = new Float32Array(to.shape[0] * to.shape[1] * to.shape[2]);
  forEachTarget(from, to, (index, xs, ys, zs) => {
    const x = snap(xs);
    const y = snap(ys);
    const z = snap(zs);
    if (!(x >= 0 && x <= I - 1 && y >= 0 && y <= J - 1 && z >= 0 && z <= K - 1)) return;
    out[index] = labels[(Math.floor(x + 0.5) * J + Math.floor(y + 0.5)) * K + Math.floor(z + 0.5)];
  }, onSlab);
  return out;
}

/**
 * A grid as text, as `mi segment --grid` and `<mi-segmenter grid>` take it: "N" (N³ voxels of 1 mm),
 * "N,MM", or "none" (the input's own grid: false). Blank or absent: undefined (the default grid).
 * Malformed: null, and the caller says so in its own words (GRID_SYNTAX).
 */
export function parseGridSpec(text: string | undefined): ConformSpec | false | undefined | null {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  if (text.trim() === 'none') return false;
  const [size, mm, more] = text.split(',').map((t) => (t.trim() === '' ? NaN : Number(t)));
  if (more !== undefined || !(Number.isInteger(size) && size > 0 && size <= 2048) || (mm !== undefined && !(mm > 0))) return null;
  return mm === undefined ? { size } : { size, voxelSize: mm };
}

/** What parseGridSpec accepts, for error messages. */
export const GRID_SYNTAX = 'N (voxels per axis, 1..2048), N,MM or none';
