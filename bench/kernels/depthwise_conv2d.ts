/**
 * DepthwiseConv2D's kernels (src/ops/depthwise-conv2d.ts has the rule): `4px_vec4`, 4 pixels × 4
 * channels with vec4 loads (multiplier 1, channels a multiple of 4), and `general` (any shape).
 * Shapes from MobileNetV2 at 224×224.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import type { LabOp, LabShape } from './lab.ts';

const relu6 = makeActivation(ActivationKind.Relu6);

function dw(name: string, input: number[], strides: number[], variants: string[]): LabShape {
  const C = input[3];
  return {
    name,
    input,
    attrs: { kernelSize: [3, 3], strides, dilation: [1, 1], padding: 'same', multiplier: 1, activation: relu6 },
    weights: [
      { name: 'kernel', shape: [3, 3, C, 1], fanIn: 9 },
      { name: 'bias', shape: [C], fanIn: 1 },
    ],
    variants,
  };
}

const both = ['4px_vec4', 'general'];

export const depthwiseConv2dLab: LabOp = {
  op: 'depthwise_conv2d',
  about: 'DepthwiseConv2D runs on the 4 px × 4 ch vec4 kernel where the multiplier is 1 and channels are a multiple of 4, else on the general kernel.',
  variants: [
    { name: '4px_vec4', attrs: { variant: '4px_vec4' }, kernels: ['depthwise_conv2d_4px_vec4.wgsl'] },
    { name: 'general', attrs: { variant: 'general' }, kernels: ['depthwise_conv2d_general.wgsl'] },
  ],
  shapes: [
    dw('3×3 same, 112×112×32 (MobileNetV2 block 1)', [1, 112, 112, 32], [1, 1], both),
    dw('3×3 stride 2 same, 56×56×144 (MobileNetV2 block 3)', [1, 56, 56, 144], [2, 2], both),
    dw('3×3 same, 14×14×384 (MobileNetV2 block 8)', [1, 14, 14, 384], [1, 1], both),
  ],
  tiny: [dw('3×3 same, 7×6×8', [1, 7, 6, 8], [1, 1], both)],
  // As test/gpu/kernels/depthwise-conv2d.test.ts: sums of 9 products of O(1) values, f32 error ~1e-7.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
