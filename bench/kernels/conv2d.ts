/**
 * Conv2D's kernels (src/ops/conv2d-variant.ts has the rule that picks one): `winograd` (three
 * shaders, 3×3 stride 1), `1x1` (a matrix product), the direct 8 px × 8 ch tiles with vec4 or
 * scalar input loads, and `grouped` (4 px × 4 ch, any groups). Shapes from the bundled and bench models.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import type { LabOp, LabShape } from './lab.ts';

const relu = makeActivation(ActivationKind.Relu);

function conv(name: string, input: number[], filters: number, kernel: [number, number], extra: { strides?: number[]; padding?: string; groups?: number }, variants: string[]): LabShape {
  const groups = extra.groups ?? 1;
  const cin = input[3] / groups;
  return {
    name,
    input,
    attrs: { filters, kernelSize: kernel, strides: extra.strides ?? [1, 1], dilation: [1, 1], padding: extra.padding ?? 'same', groups, activation: relu },
    weights: [
      { name: 'kernel', shape: [...kernel, cin, filters], fanIn: kernel[0] * kernel[1] * cin },
      { name: 'bias', shape: [filters], fanIn: 1 },
    ],
    variants,
  };
}

const direct = ['8px8ch_vec4', '8px8ch_scalar', 'grouped'];

export const conv2dLab: LabOp = {
  op: 'conv2d',
  about:
    'Conv2D runs on one of five kernels, chosen from the shapes by src/ops/conv2d-variant.ts (Winograd by useWinograd ' +
    'and the autotuner where it carries ≥ 5 % of a model\'s FLOPs). Each shape runs on every variant that can run it.',
  variants: [
    // Winograd's transforms multiply and re-add inputs and outputs with factors up to 8: as
    // test/gpu/kernels/conv2d-winograd.test.ts argues, measured ≤ 1.2e-5 on 64 → 64, an 8× margin here.
    { name: 'winograd', attrs: { variant: 'winograd' }, kernels: ['conv2d_winograd_input.wgsl', 'conv2d_winograd_gemm.wgsl', 'conv2d_winograd_output.wgsl'],
      tolerance: { atol: 1e-4, rtol: 1e-3 } },
    { name: '1x1', attrs: { variant: '1x1' }, kernels: ['conv2d_1x1.wgsl'] },
    { name: '8px8ch_vec4', attrs: { variant: '8px8ch_vec4' }, kernels: ['conv2d_8px8ch_vec4.wgsl'] },
    { name: '8px8ch_scalar', attrs: { variant: '8px8ch_scalar' }, kernels: ['conv2d_8px8ch_scalar.wgsl'] },
    { name: 'grouped', attrs: { variant: 'grouped' }, kernels: ['conv2d_grouped.wgsl'] },
  ],
  shapes: [
    conv('3×3 same, 56×56×64 → 64 (ResNet block)', [1, 56, 56, 64], 64, [3, 3], {}, ['winograd', ...direct]),
    conv('1×1, 56×56×64 → 128 (bottleneck projection)', [1, 56, 56, 64], 128, [1, 1], { padding: 'valid' }, ['1x1', ...direct]),
    conv('3×3 stride 2 same, 112×112×3 → 32 (RGB stem)', [1, 112, 112, 3], 32, [3, 3], { strides: [2, 2] }, ['8px8ch_scalar', 'grouped']),
    conv('3×3 same, groups 4, 28×28×64 → 64', [1, 28, 28, 64], 64, [3, 3], { groups: 4 }, ['grouped']),
  ],
  tiny: [
    conv('3×3 same, 9×10×8 → 8', [1, 9, 10, 8], 8, [3, 3], {}, ['winograd', ...direct]),
    conv('1×1, 5×6×8 → 8', [1, 5, 6, 8], 8, [1, 1], { padding: 'valid' }, ['1x1']),
  ],
  // The f32 default of test/gpu/kernels/conv2d.test.ts: sums of ≤ 576 products of O(1) values
  // (Glorot-scaled weights) in f32 against a float64 reference err by ~5e-7.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
