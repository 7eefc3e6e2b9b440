/**
 * Conv3D's kernels (src/ops/conv3d.ts, chooseConv3DVariant, has the rule): `blocked`, 4 voxels ×
 * all output channels per invocation (≤ 16 channels); `blocked_x3`, the same with a kernel row's
 * input columns shared by its 3 taps (stride 1 in x; the voxels spaced by the dilation; blocks of
 * ≤ 16 channels above 16); `blocked_x3_2y`, that in two output rows (blocks of ≤ 8); `blocked_c1`,
 * that with the weights at constant indices (3×3×3, one input channel; blocks of ≤ 8 channels);
 * `pointwise` (1×1×1, constant weight indices too); and `direct`, 4 voxels × 4 channels (any
 * count). Shapes: every
 * Conv3D layer shape of MeshNet model5 (1 → 5, then 5 → 5 at dilations 1..16, the 1×1×1 head
 * 5 → 3) and model11 (1 → 11, 11 → 11 at dilations 1..8, head 11 → 3) on the 64³ volume the bench
 * runs; `models` adds them up per model, with each layer's count. One layer of model18cls
 * (21 → 21) shows the x3 kernels in channel blocks against direct.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import { chooseConv3DVariant, type Conv3DAttrs } from '../../src/ops/conv3d.ts';
import type { LabOp, LabShape } from './lab.ts';

const elu = makeActivation(ActivationKind.Elu, 1);

function conv(name: string, input: number[], filters: number, kernel: number, dilation: number, variants: string[]): LabShape {
  const cin = input[4];
  return {
    name,
    input,
    attrs: { filters, kernelSize: [kernel, kernel, kernel], strides: [1, 1, 1], dilation: [dilation, dilation, dilation], padding: 'same', activation: elu },
    weights: [
      { name: 'kernel', shape: [kernel, kernel, kernel, cin, filters], fanIn: kernel ** 3 * cin },
      { name: 'bias', shape: [filters], fanIn: 1 },
    ],
    variants,
  };
}

const both = ['blocked', 'direct'];
const head = ['pointwise', ...both];
const all = ['blocked_x3_2y', 'blocked_x3', ...both];
const vol = (c: number) => [1, 64, 64, 64, c];
const m5 = (d: number) => `64³ × 5 → 5, 3×3×3 dilation ${d} (model5)`;
const m11 = (d: number) => `64³ × 11 → 11, 3×3×3 dilation ${d} (model11)`;
const M5_FIRST = '64³ × 1 → 5, 3×3×3 (MeshNet model5 first layer)';
const M5_HEAD = '64³ × 5 → 3, 1×1×1 (model5 head)';
const M11_FIRST = '64³ × 1 → 11, 3×3×3 (model11 first layer)';
const M11_HEAD = '64³ × 11 → 3, 1×1×1 (model11 head)';

/** The kernel the rule gives a shape. */
const ruleOf = (shape: LabShape): string => chooseConv3DVariant(shape.attrs.filters as number, shape.input[4], shape.attrs as unknown as Conv3DAttrs);

export const conv3dLab: LabOp = {
  op: 'conv3d',
  about:
    'Conv3D runs on `blocked_c1` for 3×3×3 layers of one input channel and stride 1; on `pointwise` for 1×1×1 layers of stride 1 and ≤ 16 channels ' +
    'in and out; on `blocked_x3_2y` where the kernel rows are 3 wide at stride 1 in x (any dilation) and the stride in y is 1; on `blocked_x3` ' +
    'where only the rows qualify; on `blocked` for the other layers of ≤ 16 channels; else on `direct` (chooseConv3DVariant in src/ops/conv3d.ts, ' +
    'from the layer\'s attributes and channel counts only). `blocked_c1` and `blocked_x3_2y` run in blocks of ≤ 8 output channels, `blocked_x3` of ≤ 16.',
  variants: [
    { name: 'blocked_x3_2y', attrs: { variant: 'blocked_x3_2y' }, kernels: ['conv3d_blocked_x3_2y.wgsl'] },
    { name: 'pointwise', attrs: { variant: 'pointwise' }, kernels: ['conv3d_pointwise.wgsl'] },
    { name: 'blocked_c1', attrs: { variant: 'blocked_c1' }, kernels: ['conv3d_blocked_c1.wgsl'] },
    { name: 'blocked_x3', attrs: { variant: 'blocked_x3' }, kernels: ['conv3d_blocked_x3.wgsl'] },
    { name: 'blocked', attrs: { variant: 'blocked' }, kernels: ['conv3d_blocked.wgsl'] },
    { name: 'direct', attrs: { variant: 'direct' }, kernels: ['conv3d.wgsl'] },
  ],
  shapes: [
    conv(M5_FIRST, vol(1), 5, 3, 1, ['blocked_c1', ...all]),
    ...[1, 2, 4, 8, 16].map((d) => conv(m5(d), vol(5), 5, 3, d, all)),
    conv(M5_HEAD, vol(5), 3, 1, 1, head),
    conv(M11_FIRST, vol(1), 11, 3, 1, ['blocked_c1', ...all]),
    ...[1, 2, 4, 8].map((d) => conv(m11(d), vol(11), 11, 3, d, all)),
    conv(M11_HEAD, vol(11), 3, 1, 1, head),
    conv('64³ × 21 → 21, 3×3×3 dilation 2 (model18cls; channel blocks)', vol(21), 21, 3, 2, ['blocked_x3_2y', 'blocked_x3', 'direct']),
  ],
  models: {
    rule: ruleOf,
    // The rule before conv3d_blocked_x3_2y.wgsl and the dilation-spaced x3 (at dilation 1 the x3
    // kernel computes as it did then): x3 only where the rows are 3 wide at dilation 1.
    before: {
      about: 'blocked_x3 at dilation 1, blocked elsewhere',
      pick: (shape) => (ruleOf(shape) === 'direct' ? 'direct' : (shape.attrs.kernelSize as number[])[2] === 3 && (shape.attrs.dilation as number[])[2] === 1 ? 'blocked_x3' : 'blocked'),
    },
    list: [
      {
        name: 'MeshNet model5 (64³)',
        layers: [[M5_FIRST, 1], [m5(1), 1], [m5(2), 2], [m5(4), 2], [m5(8), 2], [m5(16), 1], [M5_HEAD, 1]],
      },
      {
        name: 'MeshNet model11 (64³)',
        layers: [[M11_FIRST, 1], [m11(1), 1], [m11(2), 3], [m11(4), 2], [m11(8), 1], [M11_HEAD, 1]],
      },
    ],
  },
  tiny: [
    conv('5×6×7 × 3 → 5, 3×3×3 dilation 2', [1, 5, 6, 7, 3], 5, 3, 2, all),
    conv('5×6×7 × 3 → 11, 3×3×3 dilation 3', [1, 5, 6, 7, 3], 11, 3, 3, ['blocked_x3']),
    conv('5×6×7 × 1 → 11, 3×3×3 dilation 2 (two channel blocks)', [1, 5, 6, 7, 1], 11, 3, 2, ['blocked_c1']),
    conv('5×6×7 × 11 → 3, 1×1×1', [1, 5, 6, 7, 11], 3, 1, 1, ['pointwise']),
    conv('5×6×7 × 3 → 21, 3×3×3 dilation 2 (channel blocks)', [1, 5, 6, 7, 3], 21, 3, 2, ['blocked_x3_2y', 'blocked_x3']),
  ],
  // As test/gpu/kernels/conv3d.test.ts: f32 sums of ≤ 27·11 products of O(1) values against float64.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
