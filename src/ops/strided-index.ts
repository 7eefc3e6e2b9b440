/**
 * The index parameters shared by permute.wgsl and prelu.wgsl: an output walked in row-major order
 * and one operand read through per-axis element strides, over at most 8 coalesced axes stored at
 * the END of `array<vec4u, 2>` uniforms (front slots: size 1, stride 0), as merge.wgsl does.
 */
import { stridesOf } from '../tensor.ts';
import { coalesceAxes } from '../geometry/broadcast.ts';

/** Axes the shaders' params hold (array<vec4u, 2>). */
export const MAX_AXES = 8;

const padFront = (v: readonly number[], fill: number): number[] => [...new Array<number>(MAX_AXES - v.length).fill(fill), ...v];

/**
 * `dims`, `after` (row-major output strides) and the operand's strides, coalesced and padded, for
 * an output of shape `outShape` reading an operand with element strides `strides` per output axis.
 * Throws RangeError when more than 8 axes remain after coalescing.
 */
export function stridedIndexParams(outShape: readonly number[], strides: readonly number[]): { dims: number[]; after: number[]; strides: number[] } {
  const axes = coalesceAxes(outShape, [strides]);
  if (axes.dims.length > MAX_AXES) throw new RangeError(`${axes.dims.length} axes after coalescing; at most ${MAX_AXES}`);
  return { dims: padFront(axes.dims, 1), after: padFront(stridesOf(axes.dims), 1), strides: padFront(axes.strides[0], 0) };
}
