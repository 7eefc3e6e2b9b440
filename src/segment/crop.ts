/**
 * The optional crop to the head: the bounding box of voxels above a small threshold, grown by the
 * model's receptive field so every voxel of the box sees all the inputs it would see uncropped
 * (outside the box there is only sub-threshold background, labelled 0).
 */
import type { Reach } from '../runtime/tiled-volume.ts';
import type { Shape3 } from './conform.ts';

export interface Box {
  start: Shape3;
  size: Shape3;
}

/**
 * The box of voxels whose value exceeds min + fraction · (max − min), grown by `reach` and clipped
 * to the volume; undefined when no voxel does (an empty volume: nothing to segment).
 */
export function headBox(data: Float32Array, shape: Shape3, reach: Reach, fraction = 0.01): Box | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return undefined;
  const threshold = lo + fraction * (hi - lo);
  const [I, J, K] = shape;
  const min = [I, J, K];
  const max = [-1, -1, -1];
  for (let i = 0, n = 0; i < I; i++) {
    for (let j = 0; j < J; j++) {
      for (let k = 0; k < K; k++, n++) {
        if (data[n] <= threshold) continue;
        if (i < min[0]) min[0] = i;
        if (i > max[0]) max[0] = i;
        if (j < min[1]) min[1] = j;
        if (j > max[1]) max[1] = j;
        if (k < min[2]) min[2] = k;
        if (k > max[2]) max[2] = k;
      }
    }
  }
  if (max[0] < 0) return undefined;
  const start = [0, 1, 2].map((a) => Math.max(0, min[a] - reach.before[a])) as Shape3;
  const end = [0, 1, 2].map((a) => Math.min(shape[a], max[a] + 1 + reach.after[a]));
  return { start, size: [0, 1, 2].map((a) => end[a] - start[a]) as Shape3 };
}

/** The box's voxels of a volume (C order, `channels` values per voxel). */
export function extractBox(data: Float32Array, shape: Shape3, box: Box, channels = 1): Float32Array {
  const out = new Float32Array(box.size[0] * box.size[1] * box.size[2] * channels);
  const row = box.size[2] * channels;
  for (let i = 0, o = 0; i < box.size[0]; i++) {
    for (let j = 0; j < box.size[1]; j++, o += row) {
      const from = (((box.start[0] + i) * shape[1] + box.start[1] + j) * shape[2] + box.start[2]) * channels;
      out.set(data.subarray(from, from + row), o);
    }
  }
  return out;
}

/** The box's values written back into a volume of `shape` filled with `fill` elsewhere. */
export function insertBox(boxData: Float32Array, shape: Shape3, box: Box, channels = 1, fill: (c: number) => number = () => 0): Float32Array {
  const out = new Float32Array(shape[0] * shape[1] * shape[2] * channels);
  for (let c = 0; c < channels; c++) {
    const f = fill(c);
    if (f !== 0) for (let n = c; n < out.length; n += channels) out[n] = f;
  }
  const row = box.size[2] * channels;
  for (let i = 0, o = 0; i < box.size[0]; i++) {
    for (let j = 0; j < box.size[1]; j++, o += row) {
      const to = (((box.start[0] + i) * shape[1] + box.start[1] + j) * shape[2] + box.start[2]) * channels;
      out.set(boxData.subarray(o, o + row), to);
    }
  }
  return out;
}
