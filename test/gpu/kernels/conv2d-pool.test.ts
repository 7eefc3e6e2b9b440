/**
 * conv2d_pool (shaders/conv2d_pool_8px8ch_vec4.wgsl and conv2d_pool_8px8ch_scalar.wgsl) vs the CPU reference,
 * every case on each variant that applies, which is conv2d's reference followed by pool2d's (max). Cases hit: odd conv
 * outputs ('valid' drops the last row / column, 'same' keeps a one-cell window), partial 4-pixel
 * tiles and 8-channel tiles, Cin 1 / 3 / 4 / 5 / 6 / 7 / 8 / 32, batch 2, strides, dilation, no bias, and
 * activations applied before the max, including non-monotonic swish and gelu (max then activate
 * would differ there).
 *
 * Where no kernel is forced, encode chooses from shapes: Winograd into a scratch buffer plus
 * pool2d.wgsl where useWinograd says so, else the fused kernel. The last cases run that rule: two
 * shapes Winograd takes (checked against the reference with Winograd's tolerance) and the bundled
 * malaria CNN's conv2 shape, whose Winograd scratch budget is too small, on the fused kernel.
 */
import { describe, expect, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import { choosePoolVariant, type Conv2DPoolAttrs, type Conv2DPoolVariant } from '../../../src/ops/conv2d-pool.ts';
import type { Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32, type Tolerance } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { shaderFilesOf, shaderFilesOfAll } from './shader-coverage.ts';

interface PoolCase {
  name: string;
  /** [N, H, W, Cin] */
  input: number[];
  filters: number;
  kernel: [number, number];
  strides?: [number, number];
  dilation?: [number, number];
  padding: Padding;
  poolPadding?: Padding;
  act?: string;
  noBias?: boolean;
}

const cases: PoolCase[] = [
  { name: 'RGB stem 3×3 valid, Cin 3 → 32, relu, odd conv 15×21', input: [1, 17, 23, 3], filters: 32, kernel: [3, 3], padding: 'valid', act: 'relu' },
  { name: 'Cin 3 → 13, same, batch 2, sigmoid', input: [2, 14, 19, 3], filters: 13, kernel: [3, 3], padding: 'same', act: 'sigmoid' },
  { name: 'Cin 8 → 5, 3×3 valid, odd 13×11 conv, swish (non-monotonic)', input: [1, 15, 13, 8], filters: 5, kernel: [3, 3], padding: 'valid', act: 'swish' },
  { name: 'Cin 4 → 12, same pool on odd conv 13×9 (one-cell windows), gelu', input: [1, 13, 9, 4], filters: 12, kernel: [3, 3], padding: 'same', poolPadding: 'same', act: 'gelu' },
  { name: 'Cin 7 → 9, 5×5 same stride 2, elu, no bias', input: [1, 21, 18, 7], filters: 9, kernel: [5, 5], strides: [2, 2], padding: 'same', act: 'elu', noBias: true },
  { name: 'Cin 32 → 64, 3×3 valid, batch 2, linear (negative maxima)', input: [2, 12, 19, 32], filters: 64, kernel: [3, 3], padding: 'valid' },
  { name: 'Cin 8 → 16, dilation 2 same, same pool on odd 11×7, relu', input: [1, 11, 7, 8], filters: 16, kernel: [3, 3], dilation: [2, 2], padding: 'same', poolPadding: 'same', act: 'relu' },
  { name: 'Cin 3 → 8, 2×2 valid stride 3, pool of a 2×2 conv (one window)', input: [1, 6, 6, 3], filters: 8, kernel: [2, 2], strides: [3, 3], padding: 'valid', act: 'tanh' },
  { name: 'Cin 6 → 24, 1×3 valid, 2-wide conv output (tile wider than the row)', input: [1, 9, 4, 6], filters: 24, kernel: [1, 3], padding: 'valid', act: 'relu' },
  { name: 'Cin 1 → 8, 3×3 same on 37×41 (interior and border tiles), batch 2', input: [2, 37, 41, 1], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu' },
  { name: 'Cin 3 → 16, 3×3 valid stride 2 on 40×70 (contiguous taps with stride), swish', input: [1, 40, 70, 3], filters: 16, kernel: [3, 3], strides: [2, 2], padding: 'valid', act: 'swish' },
  { name: 'Cin 5 → 8, 3×3 dilation (1, 2) valid (general loop only)', input: [1, 12, 30, 5], filters: 8, kernel: [3, 3], dilation: [1, 2], padding: 'valid', act: 'relu' },
];

/** The chosen variant first, then 8px8ch_scalar where 8px8ch_vec4 was chosen (8px8ch_scalar runs any inC). */
function variantsFor(c: PoolCase): Conv2DPoolVariant[] {
  const chosen = choosePoolVariant(c.input[3]);
  return chosen === '8px8ch_vec4' ? ['8px8ch_vec4', '8px8ch_scalar'] : ['8px8ch_scalar'];
}

function attrsFor(c: PoolCase): Conv2DPoolAttrs {
  return {
    filters: c.filters,
    kernelSize: c.kernel,
    strides: c.strides ?? [1, 1],
    dilation: c.dilation ?? [1, 1],
    padding: c.padding,
    groups: 1,
    activation: parseActivation(c.act ?? 'linear', 3, 'test', 'Conv2D').act,
    pool: { poolSize: [2, 2], strides: [2, 2], padding: c.poolPadding ?? 'valid' },
  };
}

describe('conv2d_pool kernel vs CPU reference (conv then max pool)', () => {
  it('the cases run both conv2d_pool shader files', () => {
    const runs = cases.flatMap((c) =>
      variantsFor(c).map((poolVariant) => {
        const weights = [{ name: 'kernel', shape: [...c.kernel, c.input[3], c.filters], data: new Float32Array(c.kernel[0] * c.kernel[1] * c.input[3] * c.filters) }];
        return { graph: singleOpGraph({ op: 'conv2d_pool', attrs: { ...attrsFor(c), poolVariant }, weights, inputShapes: [c.input] }), inputShapes: [c.input] };
      }),
    );
    expect(shaderFilesOfAll(runs)).toEqual(['conv2d_pool_8px8ch_scalar.wgsl', 'conv2d_pool_8px8ch_vec4.wgsl']);
  });

  cases.forEach((c, i) => {
    it.each(variantsFor(c))(`${c.name} [%s]`, async (poolVariant) => {
      const cin = c.input[3];
      const fanIn = c.kernel[0] * c.kernel[1] * cin;
      const s = Math.sqrt(3 / fanIn) * 1.5;
      const weights = [{ name: 'kernel', shape: [...c.kernel, cin, c.filters], data: randomArray(fanIn * c.filters, 500 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, 600 + i, -0.2, 0.2) });
      const graph = singleOpGraph({ op: 'conv2d_pool', attrs: { ...attrsFor(c), poolVariant } as unknown as Record<string, unknown>, weights, inputShapes: [c.input] });
      const inputs = [randomTensor(c.input, 700 + i)];
      const [gpu] = await runGraphOnGpu(graph, inputs);
      const { outputs } = executeReference(graph, inputs);
      // As conv2d's tolerance: the max selects one conv value, so the error is the conv's.
      expectTensorsClose(gpu, outputs[0], F32, c.name);
    });
  });

  /** The rule's choice (no variant forced), with the shader files it must dispatch. */
  const ruleCases: { c: PoolCase; files: string[] }[] = [
    {
      c: { name: 'rule: Cin 8 → 16, 3×3 same on 64², relu (Winograd + pool)', input: [1, 64, 64, 8], filters: 16, kernel: [3, 3], padding: 'same', act: 'relu' },
      files: ['conv2d_winograd_gemm.wgsl', 'conv2d_winograd_input.wgsl', 'conv2d_winograd_output.wgsl', 'pool2d.wgsl'],
    },
    {
      c: { name: 'rule: Cin 8 → 8, 3×3 valid on 63×61, batch 2, same pool on odd 61×59 conv, swish (Winograd + pool)', input: [2, 63, 61, 8], filters: 8, kernel: [3, 3], padding: 'valid', poolPadding: 'same', act: 'swish' },
      files: ['conv2d_winograd_gemm.wgsl', 'conv2d_winograd_input.wgsl', 'conv2d_winograd_output.wgsl', 'pool2d.wgsl'],
    },
    {
      c: { name: 'rule: Cin 16 → 32, 3×3 valid on 31² (malaria CNN conv2: Winograd budget too small, fused)', input: [1, 31, 31, 16], filters: 32, kernel: [3, 3], padding: 'valid', act: 'relu' },
      files: ['conv2d_pool_8px8ch_vec4.wgsl'],
    },
  ];

  ruleCases.forEach(({ c, files }, i) => {
    it(c.name, async () => {
      const cin = c.input[3];
      const fanIn = 9 * cin;
      const s = Math.sqrt(3 / fanIn) * 1.5;
      const weights = [
        { name: 'kernel', shape: [...c.kernel, cin, c.filters], data: randomArray(fanIn * c.filters, 800 + i, -s, s) },
        { name: 'bias', shape: [c.filters], data: randomArray(c.filters, 900 + i, -0.2, 0.2) },
      ];
      const graph = singleOpGraph({ op: 'conv2d_pool', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights, inputShapes: [c.input] });
      expect([...shaderFilesOf(graph, [c.input])].sort()).toEqual(files);
      const inputs = [randomTensor(c.input, 1000 + i)];
      const [gpu] = await runGraphOnGpu(graph, inputs);
      const { outputs } = executeReference(graph, inputs);
      // Winograd's bound, argued in test/gpu/kernels/conv2d-winograd.test.ts; the max selects one conv value.
      const winograd: Tolerance = { atol: 1e-4, rtol: 1e-3 };
      expectTensorsClose(gpu, outputs[0], files.includes('pool2d.wgsl') ? winograd : F32, c.name);
    });
  });
});
