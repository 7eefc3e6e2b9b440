/**
 * MaxPool / AveragePool for pool2d, pool3d and conv2d_pool, channels-first. TF's 'same' padding as
 * explicit pads; padded cells never count (MaxPool ignores pads; AveragePool with
 * count_include_pad = 0 divides by the cells inside the input, as TF does).
 */
import type { Padding, PoolMode } from '../geometry/window.ts';
import type { Laid, OnnxBuilder } from './builder.ts';
import { spatialOf } from './conv.ts';
import { windowPads } from './window.ts';

/** A max or average pool of `x` over its spatial axes; returns the channels-first output's name. */
export function emitPool(b: OnnxBuilder, x: Laid, mode: PoolMode, pool: readonly number[], strides: readonly number[], padding: Padding, at: string): string {
  const pads = windowPads(spatialOf(x.shape), pool, strides, pool.map(() => 1), padding, at);
  const attrs = { kernel_shape: pool, strides, pads };
  if (mode === 'max') return b.node('MaxPool', [b.nchw(x, at)], at, attrs);
  return b.node('AveragePool', [b.nchw(x, at)], at, { ...attrs, count_include_pad: 0 });
}
