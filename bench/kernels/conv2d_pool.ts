/**
 * Conv2D with a 2×2 max-pool fused into its epilogue (the conv output is never stored; the graph
 * pass makes this node where the pool follows a conv that Winograd does not run): 8 px × 8 ch with
 * vec4 input loads (channels a multiple of 4) or scalar loads (any channels, the RGB stem).
 * src/ops/conv2d-pool.ts has the rule. Shapes from the bundled malaria CNN and the seed network.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import type { LabOp, LabShape } from './lab.ts';

const relu = makeActivation(ActivationKind.Relu);

function convPool(name: string, input: number[], filters: number, padding: string, variants: string[]): LabShape {
  const cin = input[3];
  return {
    name,
    input,
    attrs: {
      filters, kernelSize: [3, 3], strides: [1, 1], dilation: [1, 1], padding, groups: 1, activation: relu,
      pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    },
    weights: [
      { name: 'kernel', shape: [3, 3, cin, filters], fanIn: 9 * cin },
      { name: 'bias', shape: [filters], fanIn: 1 },
    ],
    variants,
  };
}

export const conv2dPoolLab: LabOp = {
  op: 'conv2d_pool',
  about: 'A Conv2D followed by a 2×2 max-pool, fused: the 8 px × 8 ch tile with vec4 input loads where channels are a multiple of 4, scalar loads otherwise.',
  variants: [
    { name: '8px8ch_vec4', attrs: { poolVariant: '8px8ch_vec4' }, kernels: ['conv2d_pool_8px8ch_vec4.wgsl'] },
    { name: '8px8ch_scalar', attrs: { poolVariant: '8px8ch_scalar' }, kernels: ['conv2d_pool_8px8ch_scalar.wgsl'] },
  ],
  shapes: [
    convPool('3×3 valid + pool, 224×224×3 → 32 (seed network stem)', [1, 224, 224, 3], 32, 'valid', ['8px8ch_scalar']),
    convPool('3×3 valid + pool, 31×31×32 → 64 (malaria CNN conv2)', [1, 31, 31, 32], 64, 'valid', ['8px8ch_vec4', '8px8ch_scalar']),
    convPool('3×3 same + pool, 56×56×64 → 64', [1, 56, 56, 64], 64, 'same', ['8px8ch_vec4', '8px8ch_scalar']),
  ],
  tiny: [convPool('3×3 same + pool, 9×11×8 → 8', [1, 9, 11, 8], 8, 'same', ['8px8ch_vec4', '8px8ch_scalar'])],
  // As test/gpu/kernels/conv2d-pool.test.ts: the max selects one conv value, so the error is the conv's.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
