/**
 * Fuses a 2×2 stride-2 MaxPooling2D into the Conv2D that produces its input: the pair becomes one
 * conv2d_pool node (src/ops/conv2d-pool.ts), whose kernel computes the conv pixels of each pool
 * window and writes only the pooled output. That drops the conv's output tensor (the largest one
 * in a VGG-style network), its write and read back, and the pool's dispatch.
 *
 * Conditions (absorb.ts): the conv output has the pool as its only reader and is not a graph
 * output; canFusePool checks the rest (max 2×2 stride 2, one group, no fused residual, no explicit
 * pads, not a conv Winograd would run). Runs after activation fusion, so the conv's activation is
 * already in its epilogue (applied before the max, as Keras does). It commutes with residual fusion:
 * a conv whose only reader is the pool feeds no Add, and canFusePool refuses a conv that took one.
 */
import { canFusePool, type Conv2DPoolAttrs } from '../../ops/conv2d-pool.ts';
import type { Pool2DAttrs } from '../../ops/pool2d.ts';
import type { Graph } from '../ir.ts';
import { absorbIntoProducers } from './absorb.ts';

export function fusePools(graph: Graph): Graph {
  return absorbIntoProducers(graph, (conv, pool) => {
    if (!canFusePool(conv, pool)) return undefined;
    const p = pool.attrs as unknown as Pool2DAttrs;
    const attrs: Conv2DPoolAttrs = {
      ...(conv.attrs as unknown as Conv2DPoolAttrs),
      pool: { poolSize: p.poolSize, strides: p.strides, padding: p.padding },
    };
    return { ...conv, op: 'conv2d_pool', attrs: attrs as unknown as Record<string, unknown> };
  });
}
