/**
 * Conv2DTranspose's kernels (src/ops/conv2d-transpose.ts has the rule): `tap`, one register-blocked
 * matrix product per kernel tap where the kernel equals the stride (the taps never overlap: U-Net
 * up-convolutions), and `gather`, which gathers every output's contributions (any geometry).
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import type { LabOp, LabShape } from './lab.ts';

const relu = makeActivation(ActivationKind.Relu);

function up(name: string, input: number[], filters: number, kernel: [number, number], strides: [number, number], padding: string, variants: string[]): LabShape {
  const C = input[3];
  return {
    name,
    input,
    attrs: { filters, kernelSize: kernel, strides, padding, outputPadding: null, activation: relu },
    weights: [
      { name: 'kernel', shape: [...kernel, filters, C], fanIn: kernel[0] * kernel[1] * C },
      { name: 'bias', shape: [filters], fanIn: 1 },
    ],
    variants,
  };
}

export const conv2dTransposeLab: LabOp = {
  op: 'conv2d_transpose',
  about: 'Conv2DTranspose runs on the per-tap matrix product where kernel = stride (no overlapping taps), else on the gather kernel.',
  variants: [
    { name: 'tap', attrs: { variant: 'tap' }, kernels: ['conv2d_transpose_tap.wgsl'] },
    { name: 'gather', attrs: { variant: 'gather' }, kernels: ['conv2d_transpose.wgsl'] },
  ],
  shapes: [
    up('2×2 stride 2, 32×32×128 → 64 (U-Net 256 decoder)', [1, 32, 32, 128], 64, [2, 2], [2, 2], 'valid', ['tap', 'gather']),
    up('2×2 stride 2, 128×128×32 → 16 (U-Net 256 last up-conv)', [1, 128, 128, 32], 16, [2, 2], [2, 2], 'valid', ['tap', 'gather']),
    up('3×3 stride 2 same, 32×32×32 → 32 (overlapping taps)', [1, 32, 32, 32], 32, [3, 3], [2, 2], 'same', ['gather']),
  ],
  tiny: [up('2×2 stride 2, 5×3×8 → 5', [1, 5, 3, 8], 5, [2, 2], [2, 2], 'valid', ['tap', 'gather'])],
  // Sums of ≤ 4·C products of O(1) values: the f32 default, as test/gpu/kernels/conv2d-transpose.test.ts.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
