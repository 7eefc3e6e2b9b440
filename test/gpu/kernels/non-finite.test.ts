/**
 * NaN and ±Infinity through every kernel: "nothing silently wrong" (issue 10).
 *
 * For every op kind and every kernel variant (forced through the same `variant` attributes the
 * kernel tests use), one input position is set to NaN and the graph runs with allowNonFinite.
 * Three things are asserted:
 *   1. where the op has a receptive field that is plain geometry (convs, pools, dense, softmax
 *      lanes, merges with broadcasting, data movement), the CPU reference is NaN at EXACTLY the
 *      outputs whose receptive field holds the NaN, computed here from the layer's geometry alone
 *      (test/util/non-finite.ts), i.e. the reference says what IEEE arithmetic says;
 *   2. the GPU is NaN exactly where the reference is, ±Infinity where it is, and within the
 *      kernel's usual tolerance elsewhere (nothing laundered into a number, nothing spread);
 *   3. ±Infinity cases (activations, pools, merges, softmax, convs) equal the reference exactly.
 * Winograd is the one kernel whose transforms spread a NaN over its 4×4 output tiles (see
 * src/compile/passes/exact-non-finite.ts): there NaN is allowed in the tiles whose 6×6 input patch
 * holds it, and required everywhere the receptive field says; with allowNonFinite at load the plan
 * does not use Winograd, which the last conv case checks. Without allowNonFinite the run is
 * refused with the index.
 */
import { describe, expect, it } from 'vitest';
import { makeActivation, parseActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, F32_MAX, LINEAR, type Activation, type Graph, type WeightTensor } from '../../../src/graph/ir.ts';
import type { Conv2DAttrs } from '../../../src/ops/conv2d.ts';
import { useWinograd } from '../../../src/ops/conv2d-variant.ts';
import { scratchBudget } from '../../../src/ops/winograd-scratch.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { F32, type Tolerance } from '../../util/compare.ts';
import { PageError, runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { expectNaNExactlyWhere, expectSameNonFinite, poisoned, transposeAxis, windowAxis } from '../../util/non-finite.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

interface NfCase {
  name: string;
  graph: Graph;
  inputs: Tensor[];
  /** Which input gets the value (default 0), and where. */
  input?: number;
  at: number[];
  /** Default NaN. */
  value?: number;
  /** The outputs whose receptive field holds `at` (NaN cases), from geometry alone. */
  rf?: (o: number[]) => boolean;
  /** Outputs where the kernel may put NaN beyond the receptive field (Winograd's tiles). */
  mayAlsoBeNaN?: (o: number[]) => boolean;
  tol?: Tolerance;
  /** The kernel variant this case forces (for the coverage check). */
  variant?: string;
}

const act = (name: string): Activation => parseActivation(name, 3, 'test', 'Test').act;
let seed = 7000;
const weight = (name: string, shape: number[], lo = -0.5, hi = 0.5): WeightTensor => ({
  name,
  shape,
  data: randomArray(shape.reduce((a, b) => a * b, 1), seed++, lo, hi),
});
const rec = (a: object) => a as unknown as Record<string, unknown>;

// ---------------------------------------------------------------- convolutions and dense

interface ConvSpec {
  input: number[];
  filters: number;
  kernel: [number, number];
  strides?: [number, number];
  dilation?: [number, number];
  padding: 'same' | 'valid';
  groups?: number;
  act?: string;
  variant?: string;
  at: number[];
  value?: number;
  /** NaN in a fused residual input (a second input of the output's shape) instead of the image. */
  residual?: boolean;
}

function conv2dCase(name: string, s: ConvSpec): NfCase {
  const [N, H, W, C] = s.input;
  const groups = s.groups ?? 1;
  const strides = s.strides ?? [1, 1];
  const dilation = s.dilation ?? [1, 1];
  const ay = windowAxis(H, s.kernel[0], strides[0], dilation[0], s.padding);
  const ax = windowAxis(W, s.kernel[1], strides[1], dilation[1], s.padding);
  const attrs = { filters: s.filters, kernelSize: s.kernel, strides, dilation, padding: s.padding, groups, activation: act(s.act ?? 'linear'), variant: s.variant };
  const weights = [weight('kernel', [...s.kernel, C / groups, s.filters]), weight('bias', [s.filters], -0.2, 0.2)];
  const outShape = [N, ay.out, ax.out, s.filters];
  const inputs = [randomTensor(s.input, seed++)];
  const inputShapes = [s.input];
  if (s.residual) {
    inputs.push(randomTensor(outShape, seed++));
    inputShapes.push(outShape);
  }
  const graph = singleOpGraph({ op: 'conv2d', attrs: rec(attrs), weights, inputShapes });
  const [n, iy, ix, ci] = s.at;
  const rf = s.residual
    ? (o: number[]) => o.every((v, d) => v === s.at[d])
    : (o: number[]) =>
        o[0] === n && ay.covers(o[1], iy) && ax.covers(o[2], ix) && Math.floor(o[3] / (s.filters / groups)) === Math.floor(ci / (C / groups));
  // Winograd F(4×4, 3×3): output tile (ty, tx) reads input rows 4·ty − padTop .. +5 (likewise columns).
  const patch = (o: number, i: number, before: number) => {
    const first = 4 * Math.floor(o / 4) - before;
    return i >= first && i < first + 6;
  };
  const mayAlsoBeNaN =
    s.variant === 'winograd' && !s.residual ? (o: number[]) => o[0] === n && patch(o[1], iy, ay.before) && patch(o[2], ix, ax.before) : undefined;
  // Winograd's f32 error bound (test/gpu/kernels/conv2d-winograd.test.ts) is looser than the direct kernels'.
  const tol = s.variant === 'winograd' ? { atol: 5e-5, rtol: 1e-4 } : F32;
  return { name, graph, inputs, input: s.residual ? 1 : 0, at: s.at, value: s.value, rf, mayAlsoBeNaN, tol, variant: `conv2d/${s.variant ?? 'rule'}` };
}

function conv2dPoolCase(name: string, s: ConvSpec & { poolPadding: 'same' | 'valid'; poolVariant: '8px8ch_vec4' | '8px8ch_scalar' }): NfCase {
  const [, H, W, C] = s.input;
  const strides = s.strides ?? [1, 1];
  const ay = windowAxis(H, s.kernel[0], strides[0], 1, s.padding);
  const ax = windowAxis(W, s.kernel[1], strides[1], 1, s.padding);
  const pooled = (size: number) => (s.poolPadding === 'same' ? Math.ceil(size / 2) : Math.floor(size / 2));
  const attrs = {
    filters: s.filters, kernelSize: s.kernel, strides, dilation: [1, 1], padding: s.padding, groups: 1, activation: act(s.act ?? 'linear'),
    pool: { poolSize: [2, 2], strides: [2, 2], padding: s.poolPadding }, poolVariant: s.poolVariant,
  };
  const graph = singleOpGraph({ op: 'conv2d_pool', attrs: rec(attrs), weights: [weight('kernel', [...s.kernel, C, s.filters]), weight('bias', [s.filters], -0.2, 0.2)], inputShapes: [s.input] });
  const [n, iy, ix] = s.at;
  // A pooled pixel reads conv pixels 2p, 2p + 1 that exist; a conv pixel its window.
  const poolCovers = (p: number, i: number, axis: typeof ay) => [2 * p, 2 * p + 1].some((c) => c < axis.out && axis.covers(c, i));
  expect([pooled(ay.out), pooled(ax.out)].every((d) => d > 0)).toBe(true);
  const rf = (o: number[]) => o[0] === n && poolCovers(o[1], iy, ay) && poolCovers(o[2], ix, ax);
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, value: s.value, rf, variant: `conv2d_pool/${s.poolVariant}` };
}

function depthwiseCase(name: string, s: Omit<ConvSpec, 'filters'> & { multiplier: number; variant: 'general' | '4px_vec4' }): NfCase {
  const [, H, W, C] = s.input;
  const strides = s.strides ?? [1, 1];
  const dilation = s.dilation ?? [1, 1];
  const ay = windowAxis(H, s.kernel[0], strides[0], dilation[0], s.padding);
  const ax = windowAxis(W, s.kernel[1], strides[1], dilation[1], s.padding);
  const attrs = { kernelSize: s.kernel, strides, dilation, padding: s.padding, multiplier: s.multiplier, activation: act(s.act ?? 'linear'), variant: s.variant };
  const weights = [weight('kernel', [...s.kernel, C, s.multiplier]), weight('bias', [C * s.multiplier], -0.2, 0.2)];
  const graph = singleOpGraph({ op: 'depthwise_conv2d', attrs: rec(attrs), weights, inputShapes: [s.input] });
  const [n, iy, ix, ci] = s.at;
  const rf = (o: number[]) => o[0] === n && ay.covers(o[1], iy) && ax.covers(o[2], ix) && Math.floor(o[3] / s.multiplier) === ci;
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, value: s.value, rf, variant: `depthwise/${s.variant}` };
}

function denseCase(name: string, s: { input: number[]; units: number; act?: string; variant: 'splitk' | 'gemm'; at: number[]; value?: number }): NfCase {
  const K = s.input[s.input.length - 1];
  const attrs = { units: s.units, activation: act(s.act ?? 'linear'), variant: s.variant };
  const graph = singleOpGraph({ op: 'dense', attrs: rec(attrs), weights: [weight('kernel', [K, s.units]), weight('bias', [s.units], -0.2, 0.2)], inputShapes: [s.input] });
  const rf = (o: number[]) => o.slice(0, -1).every((v, d) => v === s.at[d]);
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, value: s.value, rf, tol: { atol: 1e-4, rtol: 1e-4 }, variant: `dense/${s.variant}${K % 4 === 0 ? '/vec-in' : ''}` };
}

function conv2dTransposeCase(name: string, s: { input: number[]; filters: number; kernel: [number, number]; strides: [number, number]; padding: 'same' | 'valid'; variant: 'gather' | 'tap'; at: number[] }): NfCase {
  const [, H, W, C] = s.input;
  const ay = transposeAxis(H, s.kernel[0], s.strides[0], s.padding);
  const ax = transposeAxis(W, s.kernel[1], s.strides[1], s.padding);
  const attrs = { filters: s.filters, kernelSize: s.kernel, strides: s.strides, padding: s.padding, outputPadding: null, activation: LINEAR, variant: s.variant };
  const graph = singleOpGraph({ op: 'conv2d_transpose', attrs: rec(attrs), weights: [weight('kernel', [...s.kernel, s.filters, C]), weight('bias', [s.filters], -0.2, 0.2)], inputShapes: [s.input] });
  const rf = (o: number[]) => o[0] === s.at[0] && ay.covers(o[1], s.at[1]) && ax.covers(o[2], s.at[2]);
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, rf, variant: `conv2d_transpose/${s.variant}` };
}

function conv3dCase(name: string, s: { input: number[]; filters: number; kernel: number[]; strides: number[]; padding: 'same' | 'valid'; transpose?: boolean; at: number[] }): NfCase {
  const C = s.input[4];
  const axes = [0, 1, 2].map((a) =>
    s.transpose ? transposeAxis(s.input[1 + a], s.kernel[a], s.strides[a], s.padding) : windowAxis(s.input[1 + a], s.kernel[a], s.strides[a], 1, s.padding),
  );
  const op = s.transpose ? 'conv3d_transpose' : 'conv3d';
  const attrs = s.transpose
    ? { filters: s.filters, kernelSize: s.kernel, strides: s.strides, padding: s.padding, outputPadding: null, activation: act('relu') }
    : { filters: s.filters, kernelSize: s.kernel, strides: s.strides, dilation: [1, 1, 1], padding: s.padding, activation: act('relu') };
  const kernelShape = s.transpose ? [...s.kernel, s.filters, C] : [...s.kernel, C, s.filters];
  const graph = singleOpGraph({ op, attrs: rec(attrs), weights: [weight('kernel', kernelShape), weight('bias', [s.filters], -0.2, 0.2)], inputShapes: [s.input] });
  const rf = (o: number[]) => o[0] === s.at[0] && axes.every((ax, a) => ax.covers(o[1 + a], s.at[1 + a]));
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, rf, variant: op };
}

// ---------------------------------------------------------------- pooling, softmax, merges

function poolCase(name: string, s: { input: number[]; mode: 'max' | 'avg'; poolSize: number[]; strides: number[]; padding: 'same' | 'valid'; at: number[]; value?: number }): NfCase {
  const rank = s.input.length;
  const op = rank === 4 ? 'pool2d' : 'pool3d';
  const axes = s.poolSize.map((k, a) => windowAxis(s.input[1 + a], k, s.strides[a], 1, s.padding));
  const graph = singleOpGraph({ op, attrs: rec({ mode: s.mode, poolSize: s.poolSize, strides: s.strides, padding: s.padding }), inputShapes: [s.input] });
  const rf = (o: number[]) => o[0] === s.at[0] && o[rank - 1] === s.at[rank - 1] && axes.every((ax, a) => ax.covers(o[1 + a], s.at[1 + a]));
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, value: s.value, rf, variant: `${op}/${s.mode}` };
}

function globalPoolCase(name: string, s: { input: number[]; mode: 'max' | 'avg'; keepdims?: boolean; at: number[]; value?: number }): NfCase {
  const spatialRank = s.input.length - 2;
  const graph = singleOpGraph({ op: 'global_pool', attrs: rec({ mode: s.mode, keepdims: s.keepdims ?? false, spatialRank }), inputShapes: [s.input] });
  const last = s.input.length - 1;
  const rf = (o: number[]) => o[0] === s.at[0] && o[o.length - 1] === s.at[last];
  return { name, graph, inputs: [randomTensor(s.input, seed++)], at: s.at, value: s.value, rf, variant: `global_pool/${spatialRank}d/${s.mode}` };
}

function softmaxCase(name: string, shape: number[], axis: number, at: number[], value?: number): NfCase {
  const graph = singleOpGraph({ op: 'softmax', attrs: { axis }, inputShapes: [shape] });
  const a = axis < 0 ? shape.length + axis : axis;
  const rf = (o: number[]) => o.every((v, d) => d === a || v === at[d]);
  return { name, graph, inputs: [randomTensor(shape, seed++, -3, 3)], at, value, rf, variant: 'softmax' };
}

function mergeCase(name: string, kind: string, shapes: number[][], input: number, at: number[], value?: number): NfCase {
  const graph = singleOpGraph({ op: 'merge', attrs: { kind, activation: LINEAR }, inputShapes: shapes });
  const rank = Math.max(...shapes.map((s) => s.length));
  const shape = shapes[input];
  // Keras broadcasting aligns ranks at the end; a size-1 axis of the operand reaches every output.
  const rf = (o: number[]) => shape.every((dim, d) => dim === 1 || o[rank - shape.length + d] === at[d]);
  return { name, graph, inputs: shapes.map((s) => randomTensor(s, seed++)), input, at, value, rf, variant: `merge/${kind}` };
}

/**
 * An op given by attributes, NaN at `at` of input `input`; `rf` the outputs it must reach, by
 * default `to` alone (an op that moves or scales each value on its own).
 */
function opCase(
  name: string,
  op: string,
  attrs: object,
  shapes: number[][],
  at: number[],
  rf: number[] | ((o: number[]) => boolean) | undefined,
  opts: { weights?: WeightTensor[]; input?: number } = {},
): NfCase {
  const graph = singleOpGraph({ op, attrs: rec(attrs), weights: opts.weights ?? [], inputShapes: shapes });
  const only = (to: number[]) => (o: number[]) => o.every((v, d) => v === to[d]);
  return { name, graph, inputs: shapes.map((s) => randomTensor(s, seed++)), input: opts.input, at, rf: Array.isArray(rf) ? only(rf) : rf, variant: op };
}

// ---------------------------------------------------------------- the cases

const NEG_INF = -Infinity;
const RULE_WINOGRAD = 'conv2d 3×3 same that the rule runs on Winograd, with allowNonFinite at load: exact (no tile spread)';
const cases: NfCase[] = [
  // conv2d, every direct variant and Winograd; NaN at an interior, an edge and a corner position
  conv2dCase('conv2d scalar, groups 2, 3×3 same stride 2, relu, corner', { input: [1, 9, 11, 6], filters: 10, kernel: [3, 3], strides: [2, 2], padding: 'same', groups: 2, act: 'relu', variant: 'grouped', at: [0, 0, 0, 4] }),
  conv2dCase('conv2d wide (Cin 3), 3×3 same, relu6, edge', { input: [1, 13, 14, 3], filters: 13, kernel: [3, 3], padding: 'same', act: 'relu6', variant: '8px8ch_scalar', at: [0, 6, 13, 1] }),
  conv2dCase('conv2d wide, 7×7 same stride 2 stem, hard_sigmoid', { input: [1, 20, 21, 3], filters: 8, kernel: [7, 7], strides: [2, 2], padding: 'same', act: 'hard_sigmoid', variant: '8px8ch_scalar', at: [0, 10, 5, 2] }),
  conv2dCase('conv2d vec4, 3×3 dilation 2 same, tanh, batch 2', { input: [2, 11, 13, 8], filters: 12, kernel: [3, 3], dilation: [2, 2], padding: 'same', act: 'tanh', variant: '8px8ch_vec4', at: [1, 5, 6, 3] }),
  conv2dCase('conv2d vec4, 3×3 valid stride 2, relu, last column', { input: [1, 15, 17, 4], filters: 16, kernel: [3, 3], strides: [2, 2], padding: 'valid', act: 'relu', variant: '8px8ch_vec4', at: [0, 7, 16, 0] }),
  conv2dCase('conv2d 1x1 (matrix product), relu, batch 2', { input: [2, 7, 9, 8], filters: 13, kernel: [1, 1], padding: 'valid', act: 'relu', variant: '1x1', at: [1, 3, 8, 7] }),
  conv2dCase('conv2d winograd, 3×3 same, relu', { input: [1, 13, 11, 8], filters: 12, kernel: [3, 3], padding: 'same', act: 'relu', variant: 'winograd', at: [0, 6, 5, 2] }),
  conv2dCase('conv2d winograd, 3×3 valid, tile edge', { input: [1, 14, 10, 4], filters: 8, kernel: [3, 3], padding: 'valid', variant: 'winograd', at: [0, 4, 9, 1] }),
  conv2dCase('conv2d vec4 + fused residual, NaN in the residual, relu', { input: [1, 9, 13, 8], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', variant: '8px8ch_vec4', residual: true, at: [0, 4, 7, 5] }),
  conv2dCase('conv2d winograd + fused residual, NaN in the residual', { input: [1, 9, 9, 8], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', variant: 'winograd', residual: true, at: [0, 2, 3, 6] }),
  conv2dCase('conv2d vec4, +Infinity input, relu', { input: [1, 9, 10, 4], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', variant: '8px8ch_vec4', at: [0, 4, 4, 1], value: Infinity }),
  conv2dCase('conv2d wide, -Infinity input, linear', { input: [1, 9, 10, 3], filters: 8, kernel: [3, 3], padding: 'same', variant: '8px8ch_scalar', at: [0, 0, 9, 2], value: NEG_INF }),
  // No variant: the rule would take Winograd; allowNonFinite at load pins the exact direct kernel.
  conv2dCase(RULE_WINOGRAD, { input: [1, 64, 64, 4], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', at: [0, 29, 30, 3] }),
  // conv + 2×2 max pool in one kernel
  conv2dPoolCase('conv2d_pool vec4, 3×3 same, relu, pool valid on odd size', { input: [1, 11, 13, 8], filters: 12, kernel: [3, 3], padding: 'same', act: 'relu', poolPadding: 'valid', poolVariant: '8px8ch_vec4', at: [0, 5, 6, 1] }),
  conv2dPoolCase('conv2d_pool vec4, pool same (last window one row)', { input: [1, 9, 9, 4], filters: 8, kernel: [3, 3], padding: 'same', poolPadding: 'same', poolVariant: '8px8ch_vec4', at: [0, 8, 8, 3] }),
  conv2dPoolCase('conv2d_pool wide (Cin 3), relu', { input: [1, 12, 14, 3], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', poolPadding: 'valid', poolVariant: '8px8ch_scalar', at: [0, 3, 9, 0] }),
  conv2dPoolCase('conv2d_pool wide, +Infinity input, relu', { input: [1, 10, 10, 3], filters: 8, kernel: [3, 3], padding: 'same', act: 'relu', poolPadding: 'valid', poolVariant: '8px8ch_scalar', at: [0, 4, 4, 0], value: Infinity }),
  conv2dPoolCase('conv2d_pool vec4, -Infinity input', { input: [1, 10, 10, 4], filters: 8, kernel: [3, 3], padding: 'same', poolPadding: 'valid', poolVariant: '8px8ch_vec4', at: [0, 4, 5, 2], value: NEG_INF }),
  // depthwise
  depthwiseCase('depthwise scalar, multiplier 2, 3×3 same stride 2, relu6', { input: [1, 11, 13, 5], multiplier: 2, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'relu6', variant: 'general', at: [0, 4, 6, 3] }),
  depthwiseCase('depthwise vec4, 3×3 same, relu6, corner', { input: [1, 9, 11, 8], multiplier: 1, kernel: [3, 3], padding: 'same', act: 'relu6', variant: '4px_vec4', at: [0, 8, 10, 6] }),
  depthwiseCase('depthwise vec4, dilation 2 valid', { input: [2, 12, 11, 4], multiplier: 1, kernel: [3, 3], dilation: [2, 2], padding: 'valid', variant: '4px_vec4', at: [1, 6, 5, 1] }),
  // dense, both variants (gemm with and without vec4 input loads)
  denseCase('dense gemm, K 37 (scalar input loads), relu', { input: [3, 37], units: 5, act: 'relu', variant: 'gemm', at: [1, 20] }),
  denseCase('dense gemm, K 64 (vec4 input loads), rank 4', { input: [2, 3, 5, 64], units: 13, act: 'tanh', variant: 'gemm', at: [1, 2, 4, 63] }),
  denseCase('dense splitk, rows 1, K 4096, relu', { input: [1, 4096], units: 33, act: 'relu', variant: 'splitk', at: [0, 1234] }),
  denseCase('dense splitk, rows 3, K 2048, -Infinity', { input: [3, 2048], units: 5, variant: 'splitk', at: [2, 7], value: NEG_INF }),
  // transposed and 3-D convolutions
  conv2dTransposeCase('conv2d_transpose gather, 3×3 stride 2 same', { input: [1, 5, 6, 3], filters: 4, kernel: [3, 3], strides: [2, 2], padding: 'same', variant: 'gather', at: [0, 2, 5, 1] }),
  conv2dTransposeCase('conv2d_transpose tap (kernel = stride 2)', { input: [1, 5, 7, 8], filters: 6, kernel: [2, 2], strides: [2, 2], padding: 'valid', variant: 'tap', at: [0, 3, 2, 5] }),
  conv3dCase('conv3d 3×3×3 same, relu', { input: [1, 6, 7, 5, 2], filters: 4, kernel: [3, 3, 3], strides: [1, 1, 1], padding: 'same', at: [0, 3, 0, 4, 1] }),
  conv3dCase('conv3d_transpose 2×2×2 stride 2, relu', { input: [1, 3, 4, 3, 2], filters: 3, kernel: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', transpose: true, at: [0, 1, 2, 0, 0] }),
  // pooling
  poolCase('max pool 2×2 valid', { input: [1, 9, 11, 3], mode: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid', at: [0, 4, 5, 2] }),
  poolCase('max pool 3×3 stride 2 same, corner', { input: [2, 8, 9, 5], mode: 'max', poolSize: [3, 3], strides: [2, 2], padding: 'same', at: [1, 7, 8, 4] }),
  poolCase('avg pool 3×3 stride 1 same', { input: [1, 7, 8, 3], mode: 'avg', poolSize: [3, 3], strides: [1, 1], padding: 'same', at: [0, 3, 0, 1] }),
  poolCase('max pool +Infinity', { input: [1, 6, 6, 2], mode: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid', at: [0, 3, 2, 1], value: Infinity }),
  poolCase('max pool -Infinity (the other cells win)', { input: [1, 6, 6, 2], mode: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid', at: [0, 3, 2, 1], value: NEG_INF }),
  poolCase('avg pool -Infinity', { input: [1, 6, 6, 2], mode: 'avg', poolSize: [3, 3], strides: [2, 2], padding: 'same', at: [0, 2, 2, 0], value: NEG_INF }),
  poolCase('max pool 3-D 2×2×2', { input: [1, 5, 6, 4, 3], mode: 'max', poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', at: [0, 2, 3, 1, 2] }),
  poolCase('avg pool 3-D 3×3×3 same', { input: [1, 4, 5, 4, 2], mode: 'avg', poolSize: [3, 3, 3], strides: [1, 1, 1], padding: 'same', at: [0, 0, 2, 3, 1] }),
  poolCase('max pool 3-D +Infinity', { input: [1, 4, 4, 4, 2], mode: 'max', poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', at: [0, 1, 1, 1, 0], value: Infinity }),
  globalPoolCase('global max pool 2-D (vec4 loop)', { input: [2, 9, 7, 5], mode: 'max', at: [1, 4, 3, 2] }),
  globalPoolCase('global max pool 2-D, NaN in the tail loop', { input: [1, 3, 3, 4], mode: 'max', at: [0, 2, 2, 1] }),
  globalPoolCase('global avg pool 2-D', { input: [1, 6, 5, 3], mode: 'avg', keepdims: true, at: [0, 1, 1, 0] }),
  globalPoolCase('global max pool 3-D', { input: [1, 3, 4, 5, 2], mode: 'max', at: [0, 2, 1, 3, 1] }),
  globalPoolCase('global max pool +Infinity', { input: [1, 5, 5, 3], mode: 'max', at: [0, 1, 1, 1], value: Infinity }),
  globalPoolCase('global avg pool -Infinity', { input: [1, 5, 5, 3], mode: 'avg', at: [0, 1, 1, 1], value: NEG_INF }),
  softmaxCase('softmax last axis', [3, 7], -1, [1, 4]),
  softmaxCase('softmax middle axis', [2, 5, 3], 1, [1, 2, 0]),
  softmaxCase('softmax +Infinity (exp(∞ − ∞): the lane is NaN)', [2, 6], -1, [0, 3], Infinity),
  softmaxCase('softmax -Infinity (that entry is 0)', [2, 6], -1, [1, 2], NEG_INF),
  // merges: same shapes, broadcasting either operand, and a chain of three (left operand = output)
  mergeCase('merge maximum, same shapes', 'maximum', [[2, 5, 4, 3], [2, 5, 4, 3]], 1, [1, 2, 3, 0]),
  mergeCase('merge minimum, NaN in the left operand', 'minimum', [[2, 5, 4, 3], [2, 5, 4, 3]], 0, [0, 4, 0, 2]),
  mergeCase('merge maximum, NaN in a broadcast [N,1,1,C] operand', 'maximum', [[2, 5, 4, 3], [2, 1, 1, 3]], 1, [1, 0, 0, 2]),
  mergeCase('merge minimum of three (chained steps)', 'minimum', [[1, 4, 5, 3], [1, 4, 5, 3], [1, 4, 5, 3]], 0, [0, 3, 2, 1]),
  mergeCase('merge maximum of three, NaN in the last', 'maximum', [[1, 4, 5, 3], [1, 4, 5, 3], [1, 4, 5, 3]], 2, [0, 1, 4, 2]),
  mergeCase('merge add, broadcast', 'add', [[2, 3, 4], [1, 1, 4]], 1, [0, 0, 2]),
  mergeCase('merge subtract', 'subtract', [[2, 6], [2, 6]], 0, [1, 5]),
  mergeCase('merge multiply', 'multiply', [[2, 6], [2, 6]], 1, [0, 0]),
  mergeCase('merge average', 'average', [[2, 6], [2, 6], [2, 6]], 1, [1, 3]),
  mergeCase('merge maximum +Infinity', 'maximum', [[2, 6], [2, 6]], 0, [1, 1], Infinity),
  mergeCase('merge minimum -Infinity', 'minimum', [[2, 6], [2, 6]], 1, [0, 4], NEG_INF),
  mergeCase('merge maximum -Infinity (the other operand wins)', 'maximum', [[2, 6], [2, 6]], 1, [0, 4], NEG_INF),
  // elementwise and data movement
  opCase('prelu, per-channel alpha', 'prelu', {}, [[1, 4, 5, 3]], [0, 2, 1, 1], [0, 2, 1, 1], { weights: [weight('alpha', [1, 1, 3], 0, 0.3)] }),
  opCase('batch_norm + relu', 'batch_norm', { axis: -1, epsilon: 1e-3, activation: act('relu') }, [[2, 3, 4, 5]], [1, 1, 2, 4], [1, 1, 2, 4], {
    weights: [weight('gamma', [5], 0.5, 1.5), weight('beta', [5], -0.3, 0.3), weight('moving_mean', [5], -0.5, 0.5), weight('moving_variance', [5], 0.2, 2)],
  }),
  opCase('rescaling', 'rescaling', { scale: [1 / 255], offset: [-1], activation: LINEAR }, [[1, 3, 3, 3]], [0, 1, 2, 0], [0, 1, 2, 0]),
  opCase('normalization', 'normalization', { axis: -1, mean: [0.1, 0.2, 0.3], variance: [1, 2, 3], invert: false, activation: LINEAR }, [[1, 3, 3, 3]], [0, 2, 0, 2], [0, 2, 0, 2]),
  opCase('pad_crop2d pad ((1, 2), (3, 0))', 'pad_crop2d', { sign: 1, amounts: [[1, 2], [3, 0]] }, [[1, 4, 5, 2]], [0, 3, 4, 1], [0, 4, 7, 1]),
  opCase('pad_crop2d crop ((1, 0), (2, 1))', 'pad_crop2d', { sign: -1, amounts: [[1, 0], [2, 1]] }, [[1, 5, 6, 2]], [0, 3, 4, 0], [0, 2, 2, 0]),
  opCase('permute (2, 1, 3)', 'permute', { dims: [2, 1, 3] }, [[1, 3, 4, 2]], [0, 1, 3, 1], [0, 3, 1, 1]),
  // Input 1's columns come after input 0's four.
  opCase('concatenate axis 2, NaN in the second input', 'concatenate', { axis: 2 }, [[1, 3, 4, 2], [1, 3, 2, 2]], [0, 2, 1, 1], [0, 2, 5, 1], { input: 1 }),
  opCase('layer_norm over the last axis (the whole row)', 'layer_norm', { axis: -1, epsilon: 1e-3, rmsScaling: false }, [[2, 3, 6]], [1, 2, 4], (o) => o[0] === 1 && o[1] === 2, {
    weights: [weight('gamma', [6], 0.5, 1.5), weight('beta', [6], -0.3, 0.3)],
  }),
  opCase('resize2d nearest (UpSampling2D 2×3)', 'resize2d', { mode: 'repeat', factor: [2, 3] }, [[1, 3, 4, 2]], [0, 1, 2, 1], (o) => Math.floor(o[1] / 2) === 1 && Math.floor(o[2] / 3) === 2 && o[3] === 1),
  // Bilinear reads two neighbours per axis, the second with weight 0 at exact positions (0 · NaN is
  // NaN, as in TF's formula): no simple geometry, so the reference alone says where.
  opCase('resize2d bilinear 5×6 → 9×11', 'resize2d', { mode: 'bilinear', size: [9, 11] }, [[1, 5, 6, 2]], [0, 2, 3, 0], undefined),
  opCase('reindex3d (UpSampling3D 2)', 'reindex3d', { scale: [2, 2, 2], shift: [0, 0, 0], after: [0, 0, 0] }, [[1, 3, 4, 2, 2]], [0, 1, 2, 1, 1], (o) => [1, 2, 1].every((v, a) => Math.floor(o[1 + a] / 2) === v) && o[4] === 1),
];

const ALL_VARIANTS = [
  'conv2d/grouped', 'conv2d/8px8ch_scalar', 'conv2d/8px8ch_vec4', 'conv2d/1x1', 'conv2d/winograd', 'conv2d_pool/8px8ch_vec4', 'conv2d_pool/8px8ch_scalar',
  'depthwise/general', 'depthwise/4px_vec4', 'dense/gemm', 'dense/gemm/vec-in', 'dense/splitk/vec-in', 'conv2d_transpose/gather', 'conv2d_transpose/tap',
  'conv3d', 'conv3d_transpose', 'pool2d/max', 'pool2d/avg', 'pool3d/max', 'pool3d/avg', 'global_pool/2d/max', 'global_pool/2d/avg', 'global_pool/3d/max',
  'softmax', 'merge/maximum', 'merge/minimum', 'merge/add', 'merge/subtract', 'merge/multiply', 'merge/average', 'prelu', 'batch_norm', 'rescaling',
  'normalization', 'pad_crop2d', 'permute', 'concatenate', 'layer_norm', 'resize2d', 'reindex3d',
];

describe('NaN and ±Infinity through every kernel (allowNonFinite)', () => {
  it('the cases cover every kernel variant', () => {
    const covered = new Set(cases.map((c) => c.variant));
    expect(ALL_VARIANTS.filter((v) => !covered.has(v))).toEqual([]);
    // The unforced 3×3 case is one the rule gives Winograd, so its exactness shows the load option's pinning.
    const c = cases.find((k) => k.name === RULE_WINOGRAD)!;
    const [, H, W, C] = c.inputs[0].shape;
    const a = c.graph.nodes[0].attrs as unknown as Conv2DAttrs;
    expect(a.variant).toBeUndefined();
    expect(useWinograd(C, a.filters, a, scratchBudget(4 * H * W * (C + a.filters)))).toBe(true);
  });

  for (const c of cases) {
    const value = c.value ?? NaN;
    it(`${c.name} [${value}]`, async () => {
      const x = poisoned(c.inputs, c.input ?? 0, c.at, value);
      const ref = executeReference(c.graph, x).outputs[0];
      if (Number.isNaN(value) && c.rf) expectNaNExactlyWhere(ref, c.rf, `${c.name}: reference`);
      const [gpu] = await runGraphOnGpu(c.graph, x, { allowNonFinite: true });
      const nans = expectSameNonFinite(gpu, ref, c.tol ?? F32, `${c.name}: GPU vs reference`, c.mayAlsoBeNaN);
      if (Number.isNaN(value)) expect(nans).toBeGreaterThan(0);
      if (c.mayAlsoBeNaN) {
        // Winograd spreads within tiles only: count how far, for the record.
        const extra = gpu.data.filter((v, i) => Number.isNaN(v) && !Number.isNaN(ref.data[i])).length;
        console.log(`${c.name}: ${nans} NaN by the receptive field, ${extra} more in Winograd's tiles`);
      }
    });
  }
});

// Every ActivationKind, standalone (shaders/activation.wgsl) with NaN, +∞ and −∞ among finite values.
const ACTIVATIONS: [string, Activation][] = [
  ['linear', makeActivation(ActivationKind.Linear)],
  ['relu', makeActivation(ActivationKind.Relu)],
  ['relu6', makeActivation(ActivationKind.Relu6)],
  ['elu', makeActivation(ActivationKind.Elu, 1)],
  ['selu', makeActivation(ActivationKind.Selu)],
  ['gelu', makeActivation(ActivationKind.Gelu)],
  ['gelu tanh', makeActivation(ActivationKind.GeluTanh)],
  ['sigmoid', makeActivation(ActivationKind.Sigmoid)],
  ['hard_sigmoid Keras 2', makeActivation(ActivationKind.HardSigmoidKeras2)],
  ['hard_sigmoid Keras 3', makeActivation(ActivationKind.HardSigmoidKeras3)],
  ['tanh', makeActivation(ActivationKind.Tanh)],
  ['softplus', makeActivation(ActivationKind.Softplus)],
  ['softsign', makeActivation(ActivationKind.Softsign)],
  ['swish', makeActivation(ActivationKind.Swish)],
  ['leaky_relu 0.2', makeActivation(ActivationKind.LeakyRelu, 0.2)],
  ['exponential', makeActivation(ActivationKind.Exponential)],
  ['hard_swish', makeActivation(ActivationKind.HardSwish)],
  ['mish', makeActivation(ActivationKind.Mish)],
  ['ReLU(max_value 6)', makeActivation(ActivationKind.ReluGeneral, 0, 6, 0)],
  ['ReLU(negative_slope 0.1), no max_value', makeActivation(ActivationKind.ReluGeneral, 0.1, F32_MAX, 0)],
  ['ReLU(threshold 0.5)', makeActivation(ActivationKind.ReluGeneral, 0, F32_MAX, 0.5)],
];

describe('activations of NaN and ±Infinity: as IEEE arithmetic on the reference formula', () => {
  it('covers every ActivationKind', () => {
    const covered = new Set(ACTIVATIONS.map(([, a]) => a.kind));
    expect(Object.values(ActivationKind).filter((k) => typeof k === 'number' && !covered.has(k))).toEqual([]);
  });
  for (const [name, a] of ACTIVATIONS) {
    it(name, async () => {
      const data = Float32Array.from([-2, NaN, 0.5, Infinity, -0.25, NEG_INF, 3, NaN, -7, 1e-3, Infinity, 0]);
      const x = { shape: [1, data.length], data };
      const graph = singleOpGraph({ op: 'activation', attrs: { activation: a }, inputShapes: [x.shape] });
      const ref = executeReference(graph, [x]).outputs[0];
      // activation(NaN) is NaN for every kind (IEEE; Math.max(NaN, 0) is NaN too).
      expect([ref.data[1], ref.data[7]].every(Number.isNaN), `${name}: reference of NaN`).toBe(true);
      const [gpu] = await runGraphOnGpu(graph, [x], { allowNonFinite: true });
      expectSameNonFinite(gpu, ref, { atol: 2e-6, rtol: 3e-5 }, name);
    });
  }
});

describe('without allowNonFinite, inputs with NaN or ±Infinity are refused', () => {
  it('names the input, the flat index and its coordinates', async () => {
    const graph = singleOpGraph({ op: 'activation', attrs: { activation: act('relu') }, inputShapes: [[2, 3, 4]] });
    const x = poisoned([randomTensor([2, 3, 4], 1)], 0, [1, 2, 3], NaN);
    const err = await runGraphOnGpu(graph, x).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PageError);
    expect((err as PageError).code).toBe('NON_FINITE');
    expect((err as PageError).message).toMatch(/^Input 0 has NaN at index 23 \[1, 2, 3\] of shape \[2, 3, 4\]/);
    const inf = poisoned([randomTensor([2, 3, 4], 1)], 0, [0, 1, 0], NEG_INF);
    await expect(runGraphOnGpu(graph, inf)).rejects.toThrow(/Input 0 has -Infinity at index 4 \[0, 1, 0\]/);
  });
});
