/**
 * Winograd F(4×4, 3×3) conv2d (src/ops/conv2d-winograd.ts: shaders/conv2d_winograd_input.wgsl,
 * conv2d_winograd_gemm.wgsl, conv2d_winograd_output.wgsl) vs the float64 CPU reference, forced through the
 * `variant` attribute: output sizes that are not multiples of the 4×4 tile (overhanging tiles), a
 * 1-pixel-high image, 'same' and 'valid', inC 4/8/12/64, outC 3/5/8/13 (not multiples of the
 * GEMM's 8 channels), batch 2, no bias, activations, both fused residual forms, and an image large
 * enough to be processed in several chunks of tiles (checked on the encoded steps).
 */
import { describe, expect, it } from 'vitest';
import { parseActivation } from '../../../src/graph/activations.ts';
import { conv2d, type Conv2DAttrs } from '../../../src/ops/conv2d.ts';
import { axisGeometry, type Padding } from '../../../src/geometry/window.ts';
import { scratchBudget } from '../../../src/ops/winograd-scratch.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

interface WinogradCase {
  name: string;
  /** [N, H, W, Cin], Cin a multiple of 4 */
  input: number[];
  filters: number;
  padding: Padding;
  act?: string;
  noBias?: boolean;
  /** 1: residual added before the activation; 2: after it (conv → act → Add). */
  residual?: 1 | 2;
  /** Chunks of tiles the encoded node must have (3 steps each); default 1. */
  chunks?: number;
}

const cases: WinogradCase[] = [
  { name: '7×9 same, Cin 4 → 3, relu', input: [1, 7, 9, 4], filters: 3, padding: 'same', act: 'relu' },
  { name: '5×5 valid (3×3 out: one partial tile), Cin 8 → 5', input: [1, 5, 5, 8], filters: 5, padding: 'valid' },
  { name: '1×3 same (one row), Cin 12 → 13, sigmoid', input: [1, 1, 3, 12], filters: 13, padding: 'same', act: 'sigmoid' },
  { name: '11×13 valid, Cin 12 → 13, elu', input: [1, 11, 13, 12], filters: 13, padding: 'valid', act: 'elu' },
  { name: 'batch 2, 9×10 same, Cin 8 → 8, no bias, swish', input: [2, 9, 10, 8], filters: 8, padding: 'same', act: 'swish', noBias: true },
  { name: '6×6 same (exact tiles), Cin 4 → 8, gelu', input: [1, 8, 8, 4], filters: 8, padding: 'same', act: 'gelu' },
  // 2 · 5 · 5 = 50 tiles at 144 · (64 + 64) bytes each; a tenth of the tensors (37 KB) holds 2, under
  // the 8-tile minimum, so forced Winograd runs 7 chunks of 8 tiles.
  { name: 'real-network block: 20×18 same, 64 → 64, batch 2, relu', input: [2, 20, 18, 64], filters: 64, padding: 'same', act: 'relu', chunks: 3 },
  { name: 'residual before relu, 9×13 same, Cin 8 → 5', input: [1, 9, 13, 8], filters: 5, padding: 'same', act: 'relu', residual: 1 },
  { name: 'residual after relu, 10×7 valid, Cin 12 → 13, batch 2', input: [2, 10, 7, 12], filters: 13, padding: 'valid', act: 'relu', residual: 2 },
  // 2 · 12 · 13 = 312 tiles; V + M take 144 · (12 + 16) bytes a tile and a tenth of the tensors
  // (48 KB) holds 11: 39 chunks of 8, the last one partial.
  { name: 'three chunks: batch 2, 47×51 same, Cin 12 → 13, residual, relu', input: [2, 47, 51, 12], filters: 13, padding: 'same', act: 'relu', residual: 1, chunks: 3 },
  // 17 · 14 = 238 tiles at 144 · (8 + 8) bytes: a tenth of the tensors (24 KB) holds 10: 30 chunks.
  { name: 'two chunks, valid: 68×58 → 66×56, Cin 8 → 8, residual after elu', input: [1, 68, 58, 8], filters: 8, padding: 'valid', act: 'elu', residual: 2, chunks: 2 },
];

/**
 * Tolerance. The direct kernels meet the f32 default (atol 1e-5, rtol 1e-4) with a 10× margin
 * (about sqrt(K)·2^-24·|y|). Winograd sums the same products in a transformed basis: the input
 * transform scales values by up to ‖Bᵀ‖∞ = 10 per axis (rows like 4, −5, 1), the kernel transform
 * mixes in 1/6 … 1/24, and the output transform sums 36 points with weights up to 8² = 64 that
 * largely cancel. Each point's rounding error is relative to those amplified magnitudes, not to the
 * output, so the absolute error grows by one to two orders of magnitude (F(4×4, 3×3) in f32 is
 * reported at ~10–100× the direct conv's). Measured here on SwiftShader with O(1) outputs
 * (Glorot-scaled weights): at most 1.2e-5 (64 → 64, K = 576; the direct kernel's worst on that
 * case is 4.8e-7, 25× less). atol 1e-4 with rtol 1e-3 keeps an 8× margin over that while a wrong
 * tap, tile edge, chunk offset or channel errs by O(0.1).
 */
const WINOGRAD: Tolerance = { atol: 1e-4, rtol: 1e-3 };

function attrsFor(c: WinogradCase): Conv2DAttrs {
  return {
    filters: c.filters,
    kernelSize: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    padding: c.padding,
    groups: 1,
    activation: parseActivation(c.act ?? 'linear', 3, 'test', 'Conv2D').act,
    variant: 'winograd',
    ...(c.residual === 2 ? { residualAfterActivation: true } : {}),
  };
}

describe('conv2d Winograd F(4×4, 3×3) vs CPU reference', () => {
  let worst = 0;
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const cin = c.input[3];
      const s = Math.sqrt(3 / (9 * cin)) * 1.5;
      const weights = [{ name: 'kernel', shape: [3, 3, cin, c.filters], data: randomArray(9 * cin * c.filters, 500 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [c.filters], data: randomArray(c.filters, 600 + i, -0.2, 0.2) });
      const attrs = attrsFor(c) as unknown as Record<string, unknown>;
      const inputs = [randomTensor(c.input, 700 + i)];
      const inputShapes = [c.input];
      const g = (axis: number) => axisGeometry(c.input[1 + axis], 3, 1, 1, c.padding);
      const outShape = [c.input[0], g(0).out, g(1).out, c.filters];
      if (c.residual) {
        inputShapes.push(outShape);
        inputs.push(randomTensor(outShape, 800 + i));
      }
      const graph = singleOpGraph({ op: 'conv2d', attrs, weights, inputShapes });
      const steps = conv2d.encode!(graph.nodes[0], { inputShapes, outputShape: outShape, limits: {} as GPUSupportedLimits });
      // Whole triples, at least the chunks the case is built for, and every chunk's V + M within
      // the budget unless one 8-tile chunk alone exceeds it (forced Winograd on a small conv).
      const labels = steps.map((k) => k.label.split('/')[1]);
      const chunks = labels.length / 3;
      expect(labels).toEqual(Array.from({ length: chunks }, () => ['winograd-input', 'winograd-gemm', 'winograd-output']).flat());
      expect(chunks).toBeGreaterThanOrEqual(c.chunks ?? 1);
      const scratch = new Map<string, number>();
      for (const k of steps) for (const r of Object.values(k.bindings)) if (r.kind === 'scratch') scratch.set(r.label, r.bytes);
      const used = [...scratch.values()].reduce((a, b) => a + b, 0);
      const budget = scratchBudget(4 * (c.input.reduce((a, b) => a * b, 1) + outShape.reduce((a, b) => a * b, 1)));
      expect(used <= budget || chunks === Math.ceil((c.input[0] * Math.ceil(outShape[1] / 4) * Math.ceil(outShape[2] / 4)) / 8)).toBe(true);
      const [gpu] = await runGraphOnGpu(graph, inputs);
      const { outputs } = executeReference(graph, inputs);
      const stats = expectTensorsClose(gpu, outputs[0], WINOGRAD, c.name);
      worst = Math.max(worst, stats.maxAbs);
      console.log(`${c.name}: max abs error ${stats.maxAbs.toExponential(2)} (worst so far ${worst.toExponential(2)})`);
    });
  });
});
