/**
 * Conv3D kernels vs the float64 CPU reference, each case on every kernel that can take it:
 * shaders/conv3d_blocked.wgsl (≤ 16 output channels), conv3d_blocked_x3.wgsl (kernel rows 3 wide at
 * stride 1 in x; blocks of ≤ 16 channels), conv3d_blocked_x3_2y.wgsl (besides stride 1 in y; blocks
 * of ≤ 8), conv3d_blocked_c1.wgsl (3×3×3 of one input channel; blocks of ≤ 8),
 * conv3d_pointwise.wgsl (1×1×1, stride 1) and shaders/conv3d.wgsl (all). Small awkward volumes:
 * odd sizes (7×9×11), channels 1/3/5 (not multiples of 4) in and out, TF's asymmetric 'same'
 * padding with stride 2 on odd and even sizes, dilation 2 and 4 with 'same' and 'valid', non-cubic
 * kernels, batch 2, no bias, fused activations, every channel count 1..16 of the blocked kernel's
 * guards (its vec4 weight blocks end at 4, 8, 12, 16), channel blocks (11, 21, 35 channels), and
 * the x3 kernels' tiles of voxels spaced by the dilation: widths and heights that leave a partial
 * group (23 columns at dilation 3: groups of 12), different dilations in y and x, stride 2 in y
 * only (x3 without the two rows). Shapes stay small: SwiftShader runs on the CPU.
 */
import { describe, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import { BLOCKED_MAX_CHANNELS, type Conv3DAttrs, type Conv3DVariant } from '../../../src/ops/conv3d.ts';
import type { Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

interface Conv3DCase {
  name: string;
  /** [N, D, H, W, Cin] */
  input: number[];
  filters: number;
  kernel: [number, number, number];
  strides?: [number, number, number];
  dilation?: [number, number, number];
  padding: Padding;
  act?: string;
  noBias?: boolean;
}

const cases: Conv3DCase[] = [
  { name: '1×1×1, Cin 1 → 3 (MeshNet head shape)', input: [1, 7, 9, 11, 1], filters: 3, kernel: [1, 1, 1], padding: 'valid' },
  { name: '3×3×3 same on 7×9×11, Cin 1 → 5, relu', input: [1, 7, 9, 11, 1], filters: 5, kernel: [3, 3, 3], padding: 'same', act: 'relu' },
  { name: '3×3×3 same stride 2 on ODD 7×9×11, Cin 3 → 5, elu', input: [1, 7, 9, 11, 3], filters: 5, kernel: [3, 3, 3], strides: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: '4×4×4 same stride 2 on EVEN 6×8×10 (pads 1 + 2), Cin 5 → 3', input: [1, 6, 8, 10, 5], filters: 3, kernel: [4, 4, 4], strides: [2, 2, 2], padding: 'same' },
  { name: 'dilation 2 same, Cin 3 → 8, elu', input: [1, 7, 9, 11, 3], filters: 8, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: 'dilation 2 valid, Cin 5 → 1', input: [1, 7, 9, 11, 5], filters: 1, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'valid' },
  { name: 'dilation 4 same (taps mostly outside), Cin 1 → 5, relu', input: [1, 7, 9, 11, 1], filters: 5, kernel: [3, 3, 3], dilation: [4, 4, 4], padding: 'same', act: 'relu' },
  { name: 'dilation 4 valid on 9×10×11, Cin 3 → 3', input: [1, 9, 10, 11, 3], filters: 3, kernel: [3, 3, 3], dilation: [4, 4, 4], padding: 'valid' },
  { name: 'non-cubic 1×3×5 same, strides (1, 2, 3), dilation (2, 1, 1), sigmoid', input: [1, 7, 9, 11, 3], filters: 5, kernel: [1, 3, 5], strides: [1, 2, 3], dilation: [2, 1, 1], padding: 'same', act: 'sigmoid' },
  { name: 'non-cubic 2×3×1 valid, batch 2, no bias', input: [2, 5, 7, 6, 5], filters: 7, kernel: [2, 3, 1], padding: 'valid', noBias: true },
  { name: 'batch 2, 3×3×3 same, Cin 5 → 5, tanh', input: [2, 5, 6, 7, 5], filters: 5, kernel: [3, 3, 3], padding: 'same', act: 'tanh' },
  { name: 'MeshNet-like block: 21 → 21, dilation 2 same, elu', input: [1, 6, 7, 9, 21], filters: 21, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: 'MeshNet model11 block: 11 → 11, dilation 8 same on 9×10×13, elu', input: [1, 9, 10, 13, 11], filters: 11, kernel: [3, 3, 3], dilation: [8, 8, 8], padding: 'same', act: 'elu' },
  { name: 'dilation 16 same on 5×6×18 (only the centre plane inside), Cin 5 → 5, relu', input: [1, 5, 6, 18, 5], filters: 5, kernel: [3, 3, 3], dilation: [16, 16, 16], padding: 'same', act: 'relu' },
  { name: '3×3×3 same, Cin 2 → 12, stride 2 in x only', input: [1, 4, 5, 9, 2], filters: 12, kernel: [3, 3, 3], strides: [1, 1, 2], padding: 'same' },
  { name: '3×3×3 same, Cin 4 → 13', input: [1, 4, 5, 6, 4], filters: 13, kernel: [3, 3, 3], padding: 'same', act: 'relu' },
  { name: '3×3×3 same, Cin 6 → 16 (the blocked kernel\'s widest), dilation 2', input: [1, 5, 5, 7, 6], filters: 16, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: 'dilation 3 same on 4×5×13, Cin 2 → 35 (x3 in three channel blocks, 12 + 12 + 11), elu', input: [1, 4, 5, 13, 2], filters: 35, kernel: [3, 3, 3], dilation: [3, 3, 3], padding: 'same', act: 'elu' },
  { name: '2×2×2 valid, Cin 3 → 17 (direct only)', input: [1, 4, 4, 5, 3], filters: 17, kernel: [2, 2, 2], padding: 'valid' },
  { name: '1×1×1 on 3×5×10, batch 2, Cin 11 → 3 (model11 head), elu', input: [2, 3, 5, 10, 11], filters: 3, kernel: [1, 1, 1], padding: 'same', act: 'elu' },
  { name: '1×1×1 on 2×3×7, Cin 16 → 16, no bias', input: [1, 2, 3, 7, 16], filters: 16, kernel: [1, 1, 1], padding: 'valid', noBias: true },
  { name: '1×1×1 stride 2 on 5×6×7, Cin 5 → 3 (not pointwise: strided)', input: [1, 5, 6, 7, 5], filters: 3, kernel: [1, 1, 1], strides: [2, 2, 2], padding: 'valid' },
  { name: 'dilation (2, 1, 3) valid on 9×6×13, batch 2, Cin 1 → 8, elu', input: [2, 9, 6, 13, 1], filters: 8, kernel: [3, 3, 3], dilation: [2, 1, 3], padding: 'valid', act: 'elu' },
  { name: 'dilation 2 same on 5×9×14, Cin 1 → 11 (c1 in blocks 6 + 5), elu', input: [1, 5, 9, 14, 1], filters: 11, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'same', act: 'elu' },
  { name: '3×3×3 same on 4×6×9, Cin 1 → 21 (c1 in blocks 7 + 7 + 7, x3 in 11 + 10)', input: [1, 4, 6, 9, 1], filters: 21, kernel: [3, 3, 3], padding: 'same', act: 'relu' },
  { name: 'dilation 16 same on 5×20×35, Cin 1 → 3', input: [1, 5, 20, 35, 1], filters: 3, kernel: [3, 3, 3], dilation: [16, 16, 16], padding: 'same' },
  { name: 'dilation 3 same on 4×7×23 (partial groups in x and y), batch 2, Cin 5 → 5, elu', input: [2, 4, 7, 23, 5], filters: 5, kernel: [3, 3, 3], dilation: [3, 3, 3], padding: 'same', act: 'elu' },
  { name: 'dilation (1, 3, 2) same on 5×11×13, Cin 3 → 5', input: [1, 5, 11, 13, 3], filters: 5, kernel: [3, 3, 3], dilation: [1, 3, 2], padding: 'same', act: 'relu' },
  { name: 'dilation 3 same, strides (1, 2, 1), Cin 2 → 6', input: [1, 4, 9, 14, 2], filters: 6, kernel: [3, 3, 3], strides: [1, 2, 1], dilation: [3, 3, 3], padding: 'same' },
  { name: 'dilation 2 valid on 6×9×17, Cin 11 → 11 (model11-like)', input: [1, 6, 9, 17, 11], filters: 11, kernel: [3, 3, 3], dilation: [2, 2, 2], padding: 'valid', act: 'elu' },
  // The channel counts no case above has, so every guard of the blocked kernel runs.
  ...[2, 4, 6, 9, 10, 14, 15].map((f): Conv3DCase => ({ name: `3×3×3 same on 3×4×6, Cin 2 → ${f}`, input: [1, 3, 4, 6, 2], filters: f, kernel: [3, 3, 3], padding: 'same', act: 'relu' })),
];

function attrsFor(c: Conv3DCase, variant: Conv3DVariant): Conv3DAttrs {
  return {
    variant,
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides ?? [1, 1, 1],
    dilation: c.dilation ?? [1, 1, 1],
    padding: c.padding,
    activation: parseActivation(c.act ?? 'linear', 3, 'test', 'Conv3D').act,
  };
}

function variantsFor(c: Conv3DCase): Conv3DVariant[] {
  const strides = c.strides ?? [1, 1, 1];
  const c1: Conv3DVariant[] = c.input[4] === 1 && strides.every((s) => s === 1) && c.kernel.every((k) => k === 3) ? ['blocked_c1'] : [];
  const fits = c.filters <= BLOCKED_MAX_CHANNELS;
  if (c.kernel.every((k) => k === 1) && strides.every((s) => s === 1) && c.input[4] <= BLOCKED_MAX_CHANNELS && fits) return ['pointwise', 'blocked', 'direct'];
  const rowOf3 = c.kernel[2] === 3 && strides[2] === 1;
  const blocked: Conv3DVariant[] = fits ? ['blocked', 'direct'] : ['direct'];
  if (!rowOf3) return blocked;
  // Above 8 (x3_2y, c1) or 16 (x3) channels these run in channel blocks, one pipeline each.
  return [...c1, ...(strides[1] === 1 ? ['blocked_x3_2y' as const] : []), 'blocked_x3', ...blocked];
}

describe('conv3d kernels vs CPU reference', () => {
  cases.forEach((c, i) => {
    it.each(variantsFor(c))(`${c.name} [%s]`, async (variant) => {
      const cin = c.input[4];
      const fanIn = c.kernel[0] * c.kernel[1] * c.kernel[2] * cin;
      // Glorot-like scale keeps outputs O(1), as in trained networks.
      const s = Math.sqrt(3 / fanIn) * 1.5;
      const weights = [{ name: 'kernel', shape: [...c.kernel, cin, c.filters], data: randomArray(fanIn * c.filters, 100 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, 200 + i, -0.2, 0.2) });
      const graph = singleOpGraph({ op: 'conv3d', attrs: attrsFor(c, variant) as unknown as Record<string, unknown>, weights, inputShapes: [c.input] });
      const x = randomTensor(c.input, 300 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // f32 sums of at most 27·21 = 567 products, split per tap, vs float64: ~1e-6 at O(1)
      // outputs, as for conv2d; the project default atol 1e-5 + rtol 1e-4 holds with margin.
      expectTensorsClose(gpu, outputs[0], F32, `${c.name} [${variant}]`);
    });
  });
});
