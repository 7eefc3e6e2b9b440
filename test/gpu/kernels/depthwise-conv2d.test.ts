/**
 * DepthwiseConv2D kernels (shaders/depthwise_conv2d_general.wgsl, any shape; depthwise_conv2d_4px_vec4.wgsl,
 * multiplier 1 and channels a multiple of 4) vs the float64 CPU reference on awkward shapes: odd
 * sizes, channels 3/5/7 and 4/8/12 with widths not a multiple of the vec4 kernel's 4 pixels, depth
 * multipliers 1–3, TF's asymmetric 'same' padding with stride 2 on odd and even sizes, explicit
 * (folded ZeroPadding2D) pads alone and on top of 'same', dilation, batch 2, no bias, fused
 * activations, each vec4-capable case also forced onto the scalar kernel; and
 * SeparableConv2D as Keras imports it (depthwise node → 1×1 conv2d node), with a BatchNormalization
 * folded into each half by the graph passes.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { parseActivation } from '../../../src/graph/activations.ts';
import type { Graph, GraphNode, WeightTensor } from '../../../src/graph/ir.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { depthwiseConv2d, type DepthwiseConv2DAttrs, type DepthwiseVariant } from '../../../src/ops/depthwise-conv2d.ts';
import type { Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { shaderFilesOfAll } from './shader-coverage.ts';

interface DwCase {
  name: string;
  /** [N, H, W, C] */
  input: number[];
  multiplier: number;
  kernel: [number, number];
  strides?: [number, number];
  dilation?: [number, number];
  padding: Padding;
  act?: string;
  noBias?: boolean;
  /** Explicit [[top, bottom], [left, right]] pads (a folded ZeroPadding2D). */
  pads?: [[number, number], [number, number]];
  variant?: DepthwiseVariant;
}

const cases: DwCase[] = [
  { name: '3×3 same, C 3, mult 1, relu6 (MobileNetV2 block)', input: [1, 17, 19, 3], multiplier: 1, kernel: [3, 3], padding: 'same', act: 'relu6' },
  { name: '3×3 same stride 2 on ODD 17×21, C 5, mult 2', input: [1, 17, 21, 5], multiplier: 2, kernel: [3, 3], strides: [2, 2], padding: 'same' },
  { name: '3×3 same stride 2 on EVEN 16×20, C 7, mult 1, swish', input: [1, 16, 20, 7], multiplier: 1, kernel: [3, 3], strides: [2, 2], padding: 'same', act: 'swish' },
  { name: '5×5 same stride 2 on even 14: pads 1 + 2, C 5, batch 2', input: [2, 14, 13, 5], multiplier: 1, kernel: [5, 5], strides: [2, 2], padding: 'same', act: 'sigmoid' },
  { name: '4×4 same stride 2 (even kernel), C 3, mult 3', input: [1, 13, 14, 3], multiplier: 3, kernel: [4, 4], strides: [2, 2], padding: 'same' },
  { name: '3×3 valid, C 7, mult 2, no bias', input: [1, 11, 9, 7], multiplier: 2, kernel: [3, 3], padding: 'valid', noBias: true },
  { name: 'dilation 2 same, C 5, elu', input: [1, 15, 13, 5], multiplier: 1, kernel: [3, 3], dilation: [2, 2], padding: 'same', act: 'elu' },
  { name: 'dilation (3, 2) valid, non-square 3×2, C 3, mult 2', input: [2, 14, 11, 3], multiplier: 2, kernel: [3, 2], dilation: [3, 2], padding: 'valid' },
  { name: 'strides (1, 3) > kernel width 2, same, C 7', input: [1, 9, 16, 7], multiplier: 1, kernel: [1, 2], strides: [1, 3], padding: 'same', act: 'tanh' },
  { name: '7×7 same on a 3×2 input (kernel larger than the image), C 5', input: [1, 3, 2, 5], multiplier: 1, kernel: [7, 7], padding: 'same', act: 'gelu' },
  { name: 'C 32, mult 1, 3×3 same, batch 2 (real-network width)', input: [2, 12, 10, 32], multiplier: 1, kernel: [3, 3], padding: 'same', act: 'relu' },
  // multiplier 1, C % 4 = 0: the vec4 kernel (4 pixels × 4 channels), widths not a multiple of 4.
  { name: 'vec4: 3×3 same on odd 17×19, C 8, relu6', input: [1, 17, 19, 8], multiplier: 1, kernel: [3, 3], padding: 'same', act: 'relu6' },
  { name: 'vec4: MobileNetV2 stride 2: pads (0,1),(0,1) + 3×3 valid on even 16×14, C 12', input: [1, 16, 14, 12], multiplier: 1, kernel: [3, 3], strides: [2, 2], padding: 'valid', pads: [[0, 1], [0, 1]], act: 'relu6' },
  { name: 'vec4: pads (1,1),(1,1) + 3×3 valid stride 2 on odd 15×13, C 4, batch 2, no bias', input: [2, 15, 13, 4], multiplier: 1, kernel: [3, 3], strides: [2, 2], padding: 'valid', pads: [[1, 1], [1, 1]], noBias: true },
  { name: 'vec4: asymmetric pads (2,0),(1,3) + 5×5 same stride 2, C 8, batch 2, swish', input: [2, 14, 11, 8], multiplier: 1, kernel: [5, 5], strides: [2, 2], padding: 'same', pads: [[2, 0], [1, 3]], act: 'swish' },
  { name: 'vec4: dilation 2 same on odd 13×11, C 8, elu', input: [1, 13, 11, 8], multiplier: 1, kernel: [3, 3], dilation: [2, 2], padding: 'same', act: 'elu' },
  { name: 'vec4: dilation (2, 3) valid + pads (0,2),(3,0), C 4', input: [1, 12, 15, 4], multiplier: 1, kernel: [3, 3], dilation: [2, 3], padding: 'valid', pads: [[0, 2], [3, 0]], act: 'relu' },
  { name: 'vec4: strides (1, 3) > kernel width 2, same, C 12, tanh', input: [1, 9, 17, 12], multiplier: 1, kernel: [1, 2], strides: [1, 3], padding: 'same', act: 'tanh' },
  { name: 'vec4: 7×7 same on a 3×2 input (kernel larger than the image), C 4, gelu', input: [1, 3, 2, 4], multiplier: 1, kernel: [7, 7], padding: 'same', act: 'gelu' },
  { name: 'vec4: width 1, 3×3 same, C 16', input: [1, 5, 1, 16], multiplier: 1, kernel: [3, 3], padding: 'same' },
  // The scalar kernel with explicit pads and a multiplier.
  { name: 'scalar: pads (1,0),(2,1) + 3×3 valid stride 2, C 5, mult 2, relu', input: [1, 11, 12, 5], multiplier: 2, kernel: [3, 3], strides: [2, 2], padding: 'valid', pads: [[1, 0], [2, 1]], act: 'relu' },
  { name: 'scalar: pads + dilation 2 same, C 4, mult 2, batch 2', input: [2, 9, 10, 4], multiplier: 2, kernel: [3, 3], dilation: [2, 2], padding: 'same', pads: [[1, 2], [0, 1]] },
];
// Every vec4-capable case once more on the general kernel.
const vec4Capable = cases.filter((c) => c.multiplier === 1 && c.input[3] % 4 === 0);
cases.push(...vec4Capable.map((c) => ({ ...c, name: `${c.name} [forced general kernel]`, variant: 'general' as const })));

function attrsFor(c: DwCase): DepthwiseConv2DAttrs {
  return {
    kernelSize: c.kernel,
    strides: c.strides ?? [1, 1],
    dilation: c.dilation ?? [1, 1],
    padding: c.padding,
    multiplier: c.multiplier,
    activation: parseActivation(c.act ?? 'linear', 3, 'test', 'DepthwiseConv2D').act,
    ...(c.pads ? { pads: c.pads } : {}),
    ...(c.variant ? { variant: c.variant } : {}),
  };
}

describe('depthwise_conv2d kernel vs CPU reference', () => {
  it('the cases run both depthwise shader files', () => {
    const runs = cases.map((c) => {
      const weights = [{ name: 'kernel', shape: [...c.kernel, c.input[3], c.multiplier], data: new Float32Array(c.kernel[0] * c.kernel[1] * c.input[3] * c.multiplier) }];
      return { graph: singleOpGraph({ op: 'depthwise_conv2d', attrs: { ...attrsFor(c) }, weights, inputShapes: [c.input] }), inputShapes: [c.input] };
    });
    expect(shaderFilesOfAll(runs)).toEqual(['depthwise_conv2d_4px_vec4.wgsl', 'depthwise_conv2d_general.wgsl']);
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const C = c.input[3];
      const F = C * c.multiplier;
      const fanIn = c.kernel[0] * c.kernel[1];
      const s = Math.sqrt(3 / fanIn) * 1.5;
      const weights: WeightTensor[] = [{ name: 'kernel', shape: [...c.kernel, C, c.multiplier], data: randomArray(fanIn * F, 400 + i, -s, s) }];
      if (!c.noBias) weights.push({ name: 'bias', shape: [F], data: randomArray(F, 500 + i, -0.2, 0.2) });
      const graph = singleOpGraph({ op: 'depthwise_conv2d', attrs: attrsFor(c) as unknown as Record<string, unknown>, weights, inputShapes: [c.input] });
      const x = randomTensor(c.input, 600 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      // Sums of at most 49 products of O(1) values: f32 error ~1e-7, far inside the f32 default.
      expectTensorsClose(gpu, outputs[0], F32, c.name);
    });
  });
});

/** A Keras layer object as the readers produce it (weights in Keras order). */
function kerasLayer(className: string, config: Record<string, unknown>, weights: WeightTensor[]): KerasLayer {
  return { name: 'sep', className, config, inbound: [], weights };
}

/** Chains the drafts of one layer (and optional extra nodes) into a graph, as from-keras.ts names them. */
function chainGraph(inputShape: number[], nodes: Omit<GraphNode, 'inputs' | 'output'>[]): Graph {
  let prev = 'in0';
  const built = nodes.map((n, k) => {
    const node: GraphNode = { ...n, inputs: [prev], output: k === nodes.length - 1 ? 'out' : `t${k}` };
    prev = node.output;
    return node;
  });
  return { inputs: [{ name: 'in0', shape: [null, ...inputShape.slice(1)] }], outputs: ['out'], nodes: built, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' } };
}

describe('SeparableConv2D import (depthwise → pointwise conv2d)', () => {
  it('stride 2 same on odd 15×13, C 5 → 7 filters, mult 2, relu, then BatchNormalization folded', async () => {
    const C = 5;
    const M = 2;
    const F = 7;
    const dwKernel = { name: 'depthwise_kernel', shape: [3, 3, C, M], data: randomArray(9 * C * M, 701, -0.8, 0.8) };
    const pwKernel = { name: 'pointwise_kernel', shape: [1, 1, C * M, F], data: randomArray(C * M * F, 702, -0.5, 0.5) };
    const bias = { name: 'bias', shape: [F], data: randomArray(F, 703, -0.2, 0.2) };
    const layer = kerasLayer(
      'SeparableConv2D',
      { filters: F, kernel_size: [3, 3], strides: [2, 2], padding: 'same', depth_multiplier: M, activation: 'linear', use_bias: true },
      [dwKernel, pwKernel, bias],
    );
    const drafts = depthwiseConv2d.fromKeras!(layer, { meta: { name: 't', kerasVersion: '3.0.0', format: 'test' }, kerasMajor: 3 });
    const list = Array.isArray(drafts) ? drafts : [drafts];
    expect(list.map((d) => d.op)).toEqual(['depthwise_conv2d', 'conv2d']);
    const bn = (seed: number): WeightTensor[] => [
      { name: 'gamma', shape: [F], data: randomArray(F, seed, 0.5, 1.5) },
      { name: 'beta', shape: [F], data: randomArray(F, seed + 1, -0.3, 0.3) },
      { name: 'moving_mean', shape: [F], data: randomArray(F, seed + 2, -0.5, 0.5) },
      { name: 'moving_variance', shape: [F], data: randomArray(F, seed + 3, 0.2, 2) },
    ];
    const relu = parseActivation('relu', 3, 'r', 'ReLU').act;
    const graph = chainGraph([2, 15, 13, C], [
      ...list.map((d, k) => ({ name: k === 0 ? 'sep' : 'sep/conv2d', kerasClass: 'SeparableConv2D', ...d })),
      { name: 'bn', kerasClass: 'BatchNormalization', op: 'batch_norm', attrs: { axis: -1, epsilon: 1e-3, activation: parseActivation('linear', 3, 'b', 'BN').act }, weights: bn(710) },
      { name: 'relu', kerasClass: 'ReLU', op: 'activation', attrs: { activation: relu }, weights: [] },
    ]);
    const optimized = optimizeGraph(graph);
    // BN folded into the pointwise conv and the ReLU fused into it: two kernels remain.
    expect(optimized.nodes.map((n) => n.op)).toEqual(['depthwise_conv2d', 'conv2d']);
    const x = randomTensor([2, 15, 13, C], 720);
    const [gpu] = await runGraphOnGpu(optimized, [x]);
    const { outputs } = executeReference(graph, [x]);
    expectTensorsClose(gpu, outputs[0], F32, 'separable + BN + ReLU');
  });

  it('BatchNormalization folds into a depthwise node (MobileNetV2: DepthwiseConv2D → BN → ReLU6)', async () => {
    const C = 7;
    const kernel = { name: 'kernel', shape: [3, 3, C, 1], data: randomArray(9 * C, 801, -0.8, 0.8) };
    const attrs = attrsFor({ name: '', input: [], multiplier: 1, kernel: [3, 3], strides: [2, 2], padding: 'same' });
    const graph = chainGraph([1, 12, 11, C], [
      { name: 'dw', kerasClass: 'DepthwiseConv2D', op: 'depthwise_conv2d', attrs: attrs as unknown as Record<string, unknown>, weights: [kernel] },
      {
        name: 'bn', kerasClass: 'BatchNormalization', op: 'batch_norm',
        attrs: { axis: -1, epsilon: 1e-3, activation: parseActivation('linear', 3, 'b', 'BN').act },
        weights: [
          { name: 'gamma', shape: [C], data: randomArray(C, 802, 0.5, 1.5) },
          { name: 'beta', shape: [C], data: randomArray(C, 803, -0.3, 0.3) },
          { name: 'moving_mean', shape: [C], data: randomArray(C, 804, -0.5, 0.5) },
          { name: 'moving_variance', shape: [C], data: randomArray(C, 805, 0.2, 2) },
        ],
      },
      { name: 'relu6', kerasClass: 'ReLU', op: 'activation', attrs: { activation: parseActivation('relu6', 3, 'r', 'ReLU').act }, weights: [] },
    ]);
    const optimized = optimizeGraph(graph);
    expect(optimized.nodes.map((n) => n.op)).toEqual(['depthwise_conv2d']);
    const x = randomTensor([1, 12, 11, C], 806);
    const [gpu] = await runGraphOnGpu(optimized, [x]);
    expectTensorsClose(gpu, executeReference(graph, [x]).outputs[0], F32, 'depthwise + BN + ReLU6');
  });
});
