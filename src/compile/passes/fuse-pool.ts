/**
 * Fuses a 2×2 stride-2 MaxPooling2D into the Conv2D that produces its input: the pair becomes one
 * conv2d_pool node (src/ops/conv2d-pool.ts), whose kernel computes the conv pixels of each pool
 * window and writes only the pooled output. That drops the conv's output tensor (the largest one
 * in a VGG-style network), its write and read back, and the pool's dispatch.
 *
 * Conditions (absorb.ts): the conv output has the pool as its only reader and is not a graph
 * output; the conv's `absorbPool` hook (canFusePool in src/ops/conv2d-pool.ts) checks the rest
 * (max 2×2 stride 2, one group, no fused residual, no explicit pads). Whether the node then runs
 * the fused kernel or Winograd plus a pool step depends on shapes, so conv2d_pool's encode decides.
 * Runs after activation fusion, so the conv's activation is
 * already in its epilogue (applied before the max, as Keras does). It commutes with residual fusion:
 * a conv whose only reader is the pool feeds no Add, and canFusePool refuses a conv that took one.
 */
import { opModule } from '../../ops/registry.ts';
import type { Graph } from '../../graph/ir.ts';
import { absorbIntoProducers } from './absorb.ts';

export function fusePools(graph: Graph): Graph {
  return absorbIntoProducers(graph, (producer, pool) => (pool.op === 'pool2d' ? opModule(producer.op).absorbPool?.(producer, pool) : undefined));
}
