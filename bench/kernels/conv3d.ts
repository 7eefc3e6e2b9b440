/**
 * Conv3D's kernels (src/ops/conv3d.ts, chooseConv3DVariant, has the rule): `blocked`, 4 voxels ×
 * all output channels per invocation (≤ 16 channels), `blocked_x3`, the same with a kernel row's
 * input columns shared by its 3 taps (dilation 1, stride 1), and `direct`, 4 voxels × 4 channels
 * (any count). Shapes: MeshNet's layers (model5: 1 → 5 then 5 → 5; model11: 11 → 11; 3×3×3, 'same',
 * dilations 1..16) on the 64³ volume the bench runs, and the 1×1×1 head.
 */
import { ActivationKind } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
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
const all = ['blocked_x3', ...both];
const vol = (c: number) => [1, 64, 64, 64, c];

export const conv3dLab: LabOp = {
  op: 'conv3d',
  about:
    'Conv3D runs on `blocked_x3` where the output channels fit its 16 accumulators and the kernel rows are 3 wide at dilation 1 and stride 1, ' +
    'on `blocked` for the other layers of ≤ 16 channels, else on `direct` (chooseConv3DVariant in src/ops/conv3d.ts, from the layer\'s attributes and channel counts only).',
  variants: [
    { name: 'blocked_x3', attrs: { variant: 'blocked_x3' }, kernels: ['conv3d_blocked_x3.wgsl'] },
    { name: 'blocked', attrs: { variant: 'blocked' }, kernels: ['conv3d_blocked.wgsl'] },
    { name: 'direct', attrs: { variant: 'direct' }, kernels: ['conv3d.wgsl'] },
  ],
  shapes: [
    conv('64³ × 1 → 5, 3×3×3 (MeshNet model5 first layer)', vol(1), 5, 3, 1, all),
    conv('64³ × 5 → 5, 3×3×3 dilation 1 (model5)', vol(5), 5, 3, 1, all),
    conv('64³ × 5 → 5, 3×3×3 dilation 4 (model5)', vol(5), 5, 3, 4, both),
    conv('64³ × 5 → 5, 3×3×3 dilation 16 (model5)', vol(5), 5, 3, 16, both),
    conv('64³ × 11 → 11, 3×3×3 dilation 1 (model11)', vol(11), 11, 3, 1, all),
    conv('64³ × 11 → 11, 3×3×3 dilation 2 (model11)', vol(11), 11, 3, 2, both),
    conv('64³ × 11 → 11, 3×3×3 dilation 8 (model11)', vol(11), 11, 3, 8, both),
    conv('64³ × 5 → 3, 1×1×1 (model5 head)', vol(5), 3, 1, 1, both),
  ],
  tiny: [conv('5×6×7 × 3 → 5, 3×3×3 dilation 2', [1, 5, 6, 7, 3], 5, 3, 2, both), conv('5×6×7 × 3 → 5, 3×3×3', [1, 5, 6, 7, 3], 5, 3, 1, ['blocked_x3'])],
  // As test/gpu/kernels/conv3d.test.ts: f32 sums of ≤ 27·11 products of O(1) values against float64.
  tolerance: { atol: 1e-5, rtol: 1e-4 },
};
