/**
 * Inference-time no-ops (Dropout and friends). Like Flatten and Reshape (./flatten.ts,
 * ./reshape.ts) it has no `encode`: the scheduler aliases the output to the input's buffer and it
 * costs nothing on the GPU.
 */
import { defineOp, POINTWISE, type NoAttrs } from './types.ts';

/** Output = input, for Dropout, SpatialDropout*, GaussianNoise/Dropout, AlphaDropout, ActivityRegularization, Identity. */
export const identity = defineOp<NoAttrs>({
  op: 'identity',
  footprint: () => POINTWISE,
  fromKeras: () => ({ op: 'identity', attrs: {}, weights: [] }),
  inferShape: (_node, [input]) => [...input],
});
