/**
 * Conv2DTranspose kernel (shaders/conv2d_transpose.wgsl) vs the float64 CPU reference: strides 1–3,
 * 'same' and 'valid' on odd and even sizes, even and odd kernels, output_padding, channels 3/5/7,
 * batch 2, no bias, fused activations, BN folded; plus hand-computed checks of the reference's
 * output sizes and scatter pattern (the reference itself is checked against real Keras by the
 * upsampling_transpose fixture). The kernel = stride cases run on the tap kernel
 * (shaders/conv2d_transpose_tap.wgsl) unless forced to `gather`; tests below check which one each
 * case's encode picks, so both stay covered.
 */
import { describe, expect, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import type { WeightTensor } from '../../../src/graph/ir.ts';
import type { Conv2DTransposeAttrs, Conv2DTransposeVariant } from '../../../src/ops/conv2d-transpose.ts';
import { conv2dTranspose } from '../../../src/ops/conv2d-transpose.ts';
import { transposeAxis, type Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

interface Case {
  name: string;
  input: number[];
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: Padding;
  outputPadding?: [number, number];
  act?: string;
  noBias?: boolean;
  variant?: Conv2DTransposeVariant;
}

const cases: Case[] = [
  { name: '2×2 stride 2 valid (U-Net up-conv), 5×7×3 → 8, relu', input: [1, 5, 7, 3], filters: 8, kernel: [2, 2], strides: [2, 2], padding: 'valid', act: 'relu' },
  { name: '3×3 stride 2 same on ODD 5×7, C 5 → 7', input: [1, 5, 7, 5], filters: 7, kernel: [3, 3], strides: [2, 2], padding: 'same' },
  { name: '3×3 stride 2 same on EVEN 6×4, C 7 → 5, batch 2', input: [2, 6, 4, 7], filters: 5, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'sigmoid' },
  { name: '4×4 stride 2 same (even kernel), C 3 → 5', input: [1, 5, 6, 3], filters: 5, kernel: [4, 4], strides: [2, 2], padding: 'same', act: 'elu' },
  { name: '3×3 stride 1 same, C 5 → 3', input: [1, 7, 9, 5], filters: 3, kernel: [3, 3], strides: [1, 1], padding: 'same' },
  { name: '3×3 stride 1 valid, C 3 → 3, no bias', input: [1, 4, 5, 3], filters: 3, kernel: [3, 3], strides: [1, 1], padding: 'valid', noBias: true },
  { name: '3×3 stride 2 same, output_padding (0, 1), C 3 → 5', input: [1, 5, 5, 3], filters: 5, kernel: [3, 3], strides: [2, 2], padding: 'same', outputPadding: [0, 1] },
  { name: '3×3 stride 3 valid, output_padding (2, 1), C 5 → 7', input: [1, 4, 3, 5], filters: 7, kernel: [3, 3], strides: [3, 3], padding: 'valid', outputPadding: [2, 1] },
  { name: '2×2 stride 3 > kernel, valid (gaps of zeros + bias), C 7 → 3', input: [2, 3, 4, 7], filters: 3, kernel: [2, 2], strides: [3, 3], padding: 'valid', act: 'tanh' },
  { name: '5×3 strides (1, 2) same, C 5 → 13', input: [1, 6, 5, 5], filters: 13, kernel: [5, 3], strides: [1, 2], padding: 'same', act: 'relu' },
  { name: '3×3 stride 2 same, 32 → 16, batch 2 (decoder width)', input: [2, 6, 7, 32], filters: 16, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'relu' },
];

/**
 * Kernel = stride, no padding: the tap kernel. Odd sizes (the last 8-row tile runs across image rows
 * and past the end), batch 2, inC 4/8/12, outC not a multiple of 8, strides 2 and 3 and unequal.
 */
const tapCases: Case[] = [
  { name: 'tap: 2×2 s2 valid, odd 5×7, batch 2, C 4 → 3', input: [2, 5, 7, 4], filters: 3, kernel: [2, 2], strides: [2, 2], padding: 'valid' },
  { name: 'tap: 2×2 s2 valid, 3×5, C 8 → 5, relu, no bias', input: [1, 3, 5, 8], filters: 5, kernel: [2, 2], strides: [2, 2], padding: 'valid', act: 'relu', noBias: true },
  { name: 'tap: 2×2 s2 valid, odd 7×3, batch 2, C 12 → 13, sigmoid', input: [2, 7, 3, 12], filters: 13, kernel: [2, 2], strides: [2, 2], padding: 'valid', act: 'sigmoid' },
  { name: 'tap: 3×3 s3 valid, 5×4, C 8 → 8, tanh', input: [1, 5, 4, 8], filters: 8, kernel: [3, 3], strides: [3, 3], padding: 'valid', act: 'tanh' },
  { name: 'tap: 2×2 s2 same (no padding either), 4×3, C 4 → 5, elu', input: [1, 4, 3, 4], filters: 5, kernel: [2, 2], strides: [2, 2], padding: 'same', act: 'elu' },
  { name: 'tap: 3×2 strides (3, 2) valid, batch 2, 3×5, C 12 → 13', input: [2, 3, 5, 12], filters: 13, kernel: [3, 2], strides: [3, 2], padding: 'valid' },
  { name: 'tap: 2×2 s2 valid, 9×11, C 32 → 16, relu (decoder width)', input: [1, 9, 11, 32], filters: 16, kernel: [2, 2], strides: [2, 2], padding: 'valid', act: 'relu' },
  { name: 'gather forced where tap applies: 2×2 s2 valid, batch 2, C 8 → 5', input: [2, 5, 3, 8], filters: 5, kernel: [2, 2], strides: [2, 2], padding: 'valid', act: 'relu', variant: 'gather' },
];

function attrsFor(c: Case): Conv2DTransposeAttrs {
  return {
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides,
    padding: c.padding,
    outputPadding: c.outputPadding ?? null,
    activation: parseActivation(c.act ?? 'linear', 3, 'test', 'Conv2DTranspose').act,
    ...(c.variant ? { variant: c.variant } : {}),
  };
}

function weightsFor(c: Case, seed: number): WeightTensor[] {
  const C = c.input[3];
  const fanIn = c.kernel[0] * c.kernel[1] * C;
  const s = Math.sqrt(3 / fanIn) * 1.5;
  const w: WeightTensor[] = [{ name: 'kernel', shape: [...c.kernel, c.filters, C], data: randomArray(fanIn * c.filters, seed, -s, s) }];
  if (!c.noBias) w.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, seed + 1, -0.2, 0.2) });
  return w;
}

describe('conv2d_transpose kernel vs CPU reference', () => {
  [...cases, ...tapCases].forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'conv2d_transpose', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights: weightsFor(c, 1100 + 2 * i), inputShapes: [c.input] });
      const x = randomTensor(c.input, 1200 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      // At most kh·kw·cin = 288 products per output, as conv2d: the f32 default holds.
      expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], F32, c.name);
    });
  });

  it('folds a BatchNormalization (scale on the kernel\'s output-channel axis, which is not the fastest)', async () => {
    const c = cases[1];
    const node = { name: 't', kerasClass: 'Conv2DTranspose', op: 'conv2d_transpose', inputs: ['in0'], output: 'out', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights: weightsFor(c, 1300) };
    const scale = randomArray(c.filters, 1301, 0.5, 1.5);
    const shift = randomArray(c.filters, 1302, -0.3, 0.3);
    const folded = conv2dTranspose.foldScaleShift!(node, scale, shift)!;
    const x = randomTensor(c.input, 1303);
    const plain = executeReference(singleOpGraph({ op: 'conv2d_transpose', attrs: node.attrs, weights: node.weights, inputShapes: [c.input] }), [x]).outputs[0];
    const expected = { shape: plain.shape, data: plain.data.map((v, i) => v * scale[i % c.filters] + shift[i % c.filters]) };
    const graph = singleOpGraph({ op: 'conv2d_transpose', attrs: folded.attrs, weights: folded.weights, inputShapes: [c.input] });
    const [gpu] = await runGraphOnGpu(graph, [x]);
    expectTensorsClose(gpu, expected, F32, 'folded BN');
  });
});

/** The shader the op's encode picks for a case (the kernel step's last shader file). */
function shaderFor(c: Case): string {
  const node = { name: 't', kerasClass: 'Conv2DTranspose', op: 'conv2d_transpose', inputs: ['in0'], output: 'out', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights: weightsFor(c, 1400) };
  const outputShape = conv2dTranspose.inferShape(node, [c.input]);
  const steps = conv2dTranspose.encode!(node, { inputShapes: [c.input], outputShape, limits: {} as GPUSupportedLimits });
  return steps[0].shader.at(-1)!;
}

describe('conv2d_transpose kernel selection', () => {
  it('kernel = stride, no padding, inC % 4 = 0 runs the tap kernel', () => {
    for (const c of tapCases.filter((t) => !t.variant)) expect(shaderFor(c), c.name).toBe('conv2d_transpose_tap.wgsl');
  });
  it('everything else runs the gather kernel: overlap, gaps, output_padding, inC % 4 ≠ 0, forced', () => {
    // cases[0] is the 2×2 s2 up-conv with C 3; cases[8] is stride > kernel; the rest overlap.
    for (const c of cases) expect(shaderFor(c), c.name).toBe('conv2d_transpose.wgsl');
    expect(shaderFor(tapCases.at(-1)!)).toBe('conv2d_transpose.wgsl');
    const padded: Case = { ...tapCases[0], outputPadding: [1, 0] };
    expect(shaderFor(padded)).toBe('conv2d_transpose.wgsl');
  });
});

describe('Conv2DTranspose reference geometry (Keras output sizes, TF padding)', () => {
  it('output sizes match Keras\' compute_conv_transpose_output_shape', () => {
    expect(transposeAxis(5, 3, 2, 'same', null).out).toBe(10);
    expect(transposeAxis(5, 3, 2, 'valid', null).out).toBe(11);
    expect(transposeAxis(5, 2, 3, 'valid', null).out).toBe(15); // (i−1)s + max(k, s)
    expect(transposeAxis(5, 3, 2, 'same', 1).out).toBe(10); // (i−1)s + k % 2 + op
    expect(transposeAxis(5, 4, 2, 'same', 0).out).toBe(8);
    expect(transposeAxis(5, 3, 2, 'same', null).padBefore).toBe(0); // total 1: after
    expect(transposeAxis(5, 4, 2, 'same', null).padBefore).toBe(1);
  });
  it('a stride-2 2×2 transpose of a one-hot pixel writes the kernel at 2·(y, x)', () => {
    const c: Case = { name: '', input: [1, 2, 2, 1], filters: 1, kernel: [2, 2], strides: [2, 2], padding: 'valid', noBias: true };
    const graph = singleOpGraph({ op: 'conv2d_transpose', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights: [{ name: 'kernel', shape: [2, 2, 1, 1], data: Float32Array.from([1, 2, 3, 4]) }], inputShapes: [c.input] });
    const out = executeReference(graph, [{ shape: [1, 2, 2, 1], data: Float32Array.from([0, 1, 0, 0]) }]).outputs[0];
    expect([...out.data]).toEqual([0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
