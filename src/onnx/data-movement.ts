/**
 * Data movement shared by resize2d, reindex3d and pad_crop2d, in whichever layout the tensor has:
 * nearest upsampling by integer factors (each cell repeated), zero padding and cropping. The batch
 * is never written: Reshape copies it (0) and Expand broadcasts from 1.
 */
import { laid, type Laid, type OnnxBuilder } from './builder.ts';

/** Positions of the spatial axes of a rank-`r` tensor in the channels-first or channels-last layout. */
export const spatialAxes = (r: number, cf: boolean): number[] => Array.from({ length: r - 2 }, (_, i) => (cf ? i + 2 : i + 1));

/** The tensor's dims in the given layout (our shape permuted). */
const dimsIn = (shape: readonly number[], cf: boolean): number[] => (cf ? [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)] : [...shape]);

/**
 * Every spatial cell repeated factors[i] times along spatial axis i (Keras' UpSampling nearest):
 * Reshape to put a size-1 axis after each spatial axis, Expand it to the factor, Reshape back.
 */
export function repeatCells(b: OnnxBuilder, t: Laid, factors: readonly number[], at: string): Laid {
  const { name, cf } = b.either(t);
  if (factors.every((f) => f === 1)) return t;
  const dims = dimsIn(t.shape, cf);
  const spatial = new Set(spatialAxes(dims.length, cf));
  const split: number[] = [];
  const expand: number[] = [];
  let k = 0;
  dims.forEach((d, axis) => {
    split.push(axis === 0 ? 0 : d);
    expand.push(1);
    if (spatial.has(axis)) {
      split.push(1);
      expand.push(factors[k++]);
    }
  });
  k = 0;
  const merged = dims.map((d, axis) => (axis === 0 ? 0 : spatial.has(axis) ? d * factors[k++] : d));
  const y0 = b.node('Reshape', [name, b.int64s(`${at}/split`, split)], at);
  const y1 = b.node('Expand', [y0, b.int64s(`${at}/repeat`, expand)], at);
  const y2 = b.node('Reshape', [y1, b.int64s(`${at}/merge`, merged)], at);
  const outShape = [t.shape[0], ...t.shape.slice(1, -1).map((d, i) => d * factors[i]), t.shape[t.shape.length - 1]];
  return laid(outShape, y2, cf);
}

/**
 * Spatial axis i padded with zeros by before[i] / after[i] cells, negative amounts cropping
 * instead (Pad for the positive part, then Slice for the negative).
 */
export function padOrCrop(b: OnnxBuilder, t: Laid, before: readonly number[], after: readonly number[], at: string): Laid {
  let { name } = b.either(t);
  const { cf } = b.either(t);
  const r = t.shape.length;
  const axes = spatialAxes(r, cf);
  const spatial = t.shape.slice(1, -1).map((d, i) => d + before[i] + after[i]);
  const outShape = [t.shape[0], ...spatial, t.shape[r - 1]];
  if (before.some((p) => p > 0) || after.some((p) => p > 0)) {
    const begins = new Array<number>(r).fill(0);
    const ends = new Array<number>(r).fill(0);
    axes.forEach((axis, i) => ((begins[axis] = Math.max(before[i], 0)), (ends[axis] = Math.max(after[i], 0))));
    name = b.node('Pad', [name, b.int64s(`${at}/pads`, [...begins, ...ends])], at);
  }
  if (before.some((p) => p < 0) || after.some((p) => p < 0)) {
    // Sizes after the padding part: the crop is taken from those.
    const padded = t.shape.slice(1, -1).map((d, i) => d + Math.max(before[i], 0) + Math.max(after[i], 0));
    const starts = axes.map((_, i) => Math.max(-before[i], 0));
    const ends = axes.map((_, i) => padded[i] - Math.max(-after[i], 0));
    name = b.node('Slice', [name, b.int64s(`${at}/starts`, starts), b.int64s(`${at}/ends`, ends), b.int64s(`${at}/axes`, axes)], at);
  }
  return laid(outShape, name, cf);
}
