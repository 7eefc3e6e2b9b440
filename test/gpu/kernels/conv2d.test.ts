/**
 * Conv2D kernels (shaders/conv2d_grouped.wgsl, conv2d_8px8ch_scalar.wgsl, conv2d_8px8ch_vec4.wgsl, conv2d_1x1.wgsl) vs the float64 CPU
 * reference, on shapes chosen to hit every index path: odd sizes, channel counts that are not
 * multiples of 4 (input and output), TF's asymmetric 'same' padding on even and odd sizes with
 * strides 2 and 3, dilation, non-square kernels, stride > kernel, batch 2, groups, every fused
 * activation family, and a fused residual (a second input added before the activation).
 * Every case runs on each shader variant that applies to it (src/ops/conv2d-variant.ts): the one
 * chosen from the shapes, and the slower ones forced through the `variant` attribute.
 */
import { describe, expect, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import type { Activation } from '../../../src/graph/ir.ts';
import type { Conv2DAttrs } from '../../../src/ops/conv2d.ts';
import { chooseVariant, type Conv2DVariant } from '../../../src/ops/conv2d-variant.ts';
import { axisGeometry, type Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { shaderFilesOfAll } from './shader-coverage.ts';

interface ConvCase {
  name: string;
  /** [N, H, W, Cin] */
  input: number[];
  filters: number;
  kernel: [number, number];
  strides?: [number, number];
  dilation?: [number, number];
  padding: Padding;
  /** Keras activation name; hard_sigmoid is read with `keras` (2 or 3). */
  act?: string;
  keras?: 2 | 3;
  noBias?: boolean;
  groups?: number;
  /** Adds a residual input of the output's shape (what src/compile/passes/fuse-add.ts folds in). */
  residual?: boolean;
  /** The residual is added after the activation (conv → ReLU → Add), not before. */
  residualAfter?: boolean;
}

const cases: ConvCase[] = [
  { name: '1×1, Cin 3 → Cout 1, relu', input: [1, 9, 11, 3], filters: 1, kernel: [1, 1], padding: 'valid', act: 'relu' },
  { name: '3×3 same on 37×53, Cin 3 → 13, sigmoid', input: [1, 37, 53, 3], filters: 13, kernel: [3, 3], padding: 'same', act: 'sigmoid' },
  { name: '3×3 same stride 2 on EVEN 16×20, Cin 5 → 8, elu', input: [1, 16, 20, 5], filters: 8, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'elu' },
  { name: '3×3 same stride 2 on ODD 17×21, Cin 7 → 5, gelu', input: [1, 17, 21, 7], filters: 5, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'gelu' },
  { name: '4×4 same stride 2: pads 1 + 2 on odd 13, 1 + 1 on even 14', input: [1, 13, 14, 3], filters: 8, kernel: [4, 4], strides: [2, 2], padding: 'same' },
  { name: '3×3 valid stride 3, hard_sigmoid (Keras 2)', input: [1, 23, 19, 3], filters: 8, kernel: [3, 3], strides: [3, 3], padding: 'valid', act: 'hard_sigmoid', keras: 2 },
  { name: '5×5 same stride 3, batch 2, hard_sigmoid (Keras 3)', input: [2, 22, 17, 5], filters: 13, kernel: [5, 5], strides: [3, 3], padding: 'same', act: 'hard_sigmoid', keras: 3 },
  { name: 'dilation 2 same, Cin 5 → 13, relu', input: [1, 19, 23, 5], filters: 13, kernel: [3, 3], dilation: [2, 2], padding: 'same', act: 'relu' },
  { name: 'dilation 2 valid, Cin 7 → 5', input: [1, 15, 12, 7], filters: 5, kernel: [3, 3], dilation: [2, 2], padding: 'valid' },
  { name: 'dilation 3 same, Cin 1 → 8, tanh', input: [1, 20, 17, 1], filters: 8, kernel: [3, 3], dilation: [3, 3], padding: 'same', act: 'tanh' },
  { name: 'dilation 3 valid, Cin 3 → 1', input: [1, 20, 17, 3], filters: 1, kernel: [3, 3], dilation: [3, 3], padding: 'valid' },
  { name: 'dilation (2, 3) per axis, same, even 2×2 kernel', input: [1, 13, 16, 4], filters: 5, kernel: [2, 2], dilation: [2, 3], padding: 'same', act: 'elu' },
  { name: 'non-square 3×5 same, strides (1, 2)', input: [1, 14, 19, 5], filters: 8, kernel: [3, 5], strides: [1, 2], padding: 'same', act: 'relu' },
  { name: 'non-square 1×7 valid', input: [1, 6, 21, 7], filters: 13, kernel: [1, 7], padding: 'valid', act: 'sigmoid' },
  { name: 'stride 3 > kernel 2, same, odd sizes', input: [1, 14, 13, 5], filters: 5, kernel: [2, 2], strides: [3, 3], padding: 'same' },
  { name: 'stride 4 > kernel 1, valid', input: [1, 15, 9, 3], filters: 8, kernel: [1, 1], strides: [4, 4], padding: 'valid', act: 'relu' },
  { name: '5×5 same on a 2×3 input (kernel larger than the image)', input: [1, 2, 3, 3], filters: 5, kernel: [5, 5], padding: 'same', act: 'gelu' },
  { name: 'no bias, Cin 16 → 13, swish', input: [1, 8, 9, 16], filters: 13, kernel: [3, 3], padding: 'same', act: 'swish', noBias: true },
  { name: '7×7 same stride 2 stem, Cin 3 → 32 on 64×64', input: [1, 64, 64, 3], filters: 32, kernel: [7, 7], strides: [2, 2], padding: 'same', act: 'relu' },
  { name: 'real-network block: 3×3 same, 64 → 64, batch 2', input: [2, 20, 18, 64], filters: 64, kernel: [3, 3], padding: 'same', act: 'relu' },
  { name: 'long reduction: 1×1, 512 → 13', input: [1, 5, 7, 512], filters: 13, kernel: [1, 1], padding: 'valid' },
  { name: 'groups 2: 6 → 10 (5 filters a group, blocks padded per group), same, relu', input: [1, 11, 13, 6], filters: 10, kernel: [3, 3], padding: 'same', act: 'relu', groups: 2 },
  { name: 'groups 2: 4 → 12 (outC a multiple of 4, 6 a group is not), 1×1', input: [1, 7, 9, 4], filters: 12, kernel: [1, 1], padding: 'valid', act: 'sigmoid', groups: 2 },
  { name: 'groups 4: 8 → 16, stride 2 same on even size', input: [2, 10, 12, 8], filters: 16, kernel: [3, 3], strides: [2, 2], padding: 'same', groups: 4 },
  { name: 'groups 3: 9 → 3 (one filter a group), dilation 2 valid', input: [1, 12, 11, 9], filters: 3, kernel: [3, 3], dilation: [2, 2], padding: 'valid', groups: 3 },
  { name: 'groups = channels (depthwise-like): 5 → 5, 1×7 same, elu', input: [1, 6, 17, 5], filters: 5, kernel: [1, 7], padding: 'same', act: 'elu', groups: 5 },
  // Cin a multiple of 4: the vec4 variants (8 pixels × 8 channels, vec4 input loads).
  { name: 'Cin 4 → 5, 3×3 same on odd 13×19 (partial 8-pixel tile, partial 8-channel tile)', input: [1, 13, 19, 4], filters: 5, kernel: [3, 3], padding: 'same', act: 'relu' },
  { name: 'Cin 8 → 16, 3×3 valid stride 2, batch 2', input: [2, 15, 21, 8], filters: 16, kernel: [3, 3], strides: [2, 2], padding: 'valid', act: 'elu' },
  { name: 'Cin 64 → 24, 3×3 same dilation 2 on 9×11', input: [1, 9, 11, 64], filters: 24, kernel: [3, 3], dilation: [2, 2], padding: 'same' },
  { name: 'Cin 12 → 256, 3×3 valid on a 6-wide row (tile wider than the output)', input: [1, 7, 6, 12], filters: 256, kernel: [3, 3], padding: 'valid', act: 'relu' },
  // 1×1 as a matrix product: stride 1 (the 1x1 variant) and stride 2 (direct vec4 variant).
  { name: '1×1 stride 1, Cin 8 → 13, odd 7×9 batch 2 (rows run across images)', input: [2, 7, 9, 8], filters: 13, kernel: [1, 1], padding: 'same', act: 'sigmoid' },
  { name: '1×1 stride 1, Cin 64 → 64, 5×5 (25 rows: a partial 8-row tile)', input: [1, 5, 5, 64], filters: 64, kernel: [1, 1], padding: 'valid', act: 'relu' },
  { name: '1×1 stride 2, Cin 16 → 8, odd 11×13 same', input: [1, 11, 13, 16], filters: 8, kernel: [1, 1], strides: [2, 2], padding: 'same' },
  { name: '1×1 stride 2, Cin 4 → 12, batch 2 valid, no bias', input: [2, 10, 9, 4], filters: 12, kernel: [1, 1], strides: [2, 2], padding: 'valid', noBias: true },
  // Fused residual Add: added after the bias, before the activation.
  { name: 'residual, 3×3 same, Cin 8 → 8, relu', input: [1, 9, 13, 8], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', residual: true },
  { name: 'residual, 1×1 stride 1, Cin 16 → 13, batch 2', input: [2, 5, 7, 16], filters: 13, kernel: [1, 1], padding: 'valid', residual: true },
  { name: 'residual, Cin 3 → 5 (scalar variant), stride 2 same, elu', input: [1, 11, 10, 3], filters: 5, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'elu', residual: true },
  { name: 'residual after relu, 3×3 same, Cin 32 → 64, odd 11×13', input: [1, 11, 13, 32], filters: 64, kernel: [3, 3], padding: 'same', act: 'relu', residual: true, residualAfter: true },
  { name: 'residual after sigmoid, 1×1, Cin 8 → 12, batch 2', input: [2, 6, 5, 8], filters: 12, kernel: [1, 1], padding: 'valid', act: 'sigmoid', residual: true, residualAfter: true },
  { name: 'residual after elu, Cin 5 → 7 (scalar variant)', input: [1, 9, 8, 5], filters: 7, kernel: [3, 3], padding: 'same', act: 'elu', residual: true, residualAfter: true },
];

/** The variants a case runs on: the chosen one first, then each slower one that applies. */
function variantsFor(c: ConvCase): Conv2DVariant[] {
  const a = attrsFor(c);
  const pad = (axis: 0 | 1) => axisGeometry(c.input[1 + axis], a.kernelSize[axis], a.strides[axis], a.dilation[axis], a.padding).padBefore;
  const chosen = chooseVariant(c.input[3], a, pad(0), pad(1));
  const slower: Record<Conv2DVariant, Conv2DVariant[]> = {
    '1x1': ['8px8ch_vec4', '8px8ch_scalar', 'grouped'],
    '8px8ch_vec4': ['8px8ch_scalar', 'grouped'],
    '8px8ch_scalar': ['grouped'],
    grouped: [],
  };
  return [chosen, ...slower[chosen]];
}

/** A conv2d node's attrs for a case (what Conv2D's fromKeras would produce). */
function attrsFor(c: ConvCase): Conv2DAttrs {
  const act: Activation = parseActivation(c.act ?? 'linear', c.keras ?? 3, 'test', 'Conv2D').act;
  return {
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides ?? [1, 1],
    dilation: c.dilation ?? [1, 1],
    padding: c.padding,
    groups: c.groups ?? 1,
    activation: act,
  };
}

describe('conv2d kernel vs CPU reference', () => {
  it('the cases run every direct conv2d shader file (Winograd: conv2d-winograd.test.ts)', () => {
    const runs = cases.flatMap((c) =>
      variantsFor(c).map((variant) => {
        const cin = c.input[3] / (c.groups ?? 1);
        const weights = [{ name: 'kernel', shape: [...c.kernel, cin, c.filters], data: new Float32Array(c.kernel[0] * c.kernel[1] * cin * c.filters) }];
        return { graph: singleOpGraph({ op: 'conv2d', attrs: { ...attrsFor(c), variant }, weights, inputShapes: [c.input] }), inputShapes: [c.input] };
      }),
    );
    expect(shaderFilesOfAll(runs)).toEqual(['conv2d_1x1.wgsl', 'conv2d_8px8ch_scalar.wgsl', 'conv2d_8px8ch_vec4.wgsl', 'conv2d_grouped.wgsl']);
  });

  cases.forEach((c, i) => {
    it.each(variantsFor(c))(`${c.name} [%s]`, async (variant) => {
      const cin = c.input[3] / (c.groups ?? 1); // kernel input channels: one group's
      const fanIn = c.kernel[0] * c.kernel[1] * cin;
      // Glorot-like scale keeps outputs O(1) whatever the fan-in, as in trained networks.
      const s = Math.sqrt(3 / fanIn) * 1.5;
      const weights = [{ name: 'kernel', shape: [...c.kernel, cin, c.filters], data: randomArray(fanIn * c.filters, 100 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, 200 + i, -0.2, 0.2) });
      const attrs = { ...attrsFor(c), variant, ...(c.residualAfter ? { residualAfterActivation: true } : {}) };
      const inputs = [randomTensor(c.input, 300 + i)];
      const inputShapes = [c.input];
      if (c.residual) {
        const out = singleOpGraph({ op: 'conv2d', attrs: attrs as unknown as Record<string, unknown>, weights, inputShapes });
        const shape = [...executeReference(out, inputs).outputs[0].shape];
        inputShapes.push(shape);
        inputs.push(randomTensor(shape, 400 + i));
      }
      const graph = singleOpGraph({ op: 'conv2d', attrs: attrs as unknown as Record<string, unknown>, weights, inputShapes });
      const [gpu] = await runGraphOnGpu(graph, inputs);
      const { outputs } = executeReference(graph, inputs);
      // The project's f32 default, atol 1e-5 + rtol 1e-4, holds with a wide margin: f32 sums of
      // K = kh·kw·cin products (up to 576 here) against the float64 reference, with outputs O(1)
      // and per-tap partial sums, err by about sqrt(K)·2^-24·|y| ≈ 1e-6 (largest seen on
      // SwiftShader: 8.3e-7, 7×7 stem; 4.8e-7 on 3×3 64 → 64), activations included.
      expectTensorsClose(gpu, outputs[0], F32, c.name);
    });
  });
});
