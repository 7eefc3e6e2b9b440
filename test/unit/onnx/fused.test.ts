/**
 * The ONNX export of what the graph passes make (src/compile/passes): conv2d_pool, activations
 * fused into convs / dense / merges / scalings, BatchNorm folded into a conv's weights, ZeroPadding2D
 * folded into a depthwise conv's pads, residual Adds folded into a conv (before and after its
 * activation). Each graph is optimised, checked to hold the fused form, exported, run in ONNX
 * Runtime on a batch of 2 and compared with the CPU reference of the unoptimised graph (Keras'
 * layers one by one) within the f32 tolerance.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { exportOnnx } from '../../../src/onnx/index.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import type { GraphNode } from '../../../src/graph/ir.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { batchOf, kerasModel, layer as L, runOnnx } from './ort.ts';

interface FusedCase {
  name: string;
  input: number[];
  layers: ReturnType<typeof L>[];
  /** What the optimised graph must hold: the fusion under test happened. */
  fused: (nodes: GraphNode[]) => boolean;
}

const conv = (name: string, from: string, filters: number, cin: number, cfg: Record<string, unknown> = {}, k = 3) =>
  L(name, 'Conv2D', [from], { filters, kernel_size: k, padding: 'same', ...cfg }, [[k, k, cin, filters], [filters]]);

function bn(name: string, from: string, c: number) {
  const l = L(name, 'BatchNormalization', [from], { epsilon: 1e-3 }, [[c], [c], [c], [c]]);
  l.weights[3].data.forEach((v, i) => (l.weights[3].data[i] = 0.2 + Math.abs(v)));
  return l;
}

const hasOp = (op: string, pred: (n: GraphNode) => boolean = () => true) => (nodes: GraphNode[]) => nodes.some((n) => n.op === op && pred(n));

const cases: FusedCase[] = [
  {
    name: 'conv → 2×2 max pool (conv2d_pool), relu, odd 11×13 (valid pool drops a row)',
    input: [11, 13, 3],
    layers: [conv('c', 'in', 4, 3, { activation: 'relu' }), L('p', 'MaxPooling2D', ['c'], { pool_size: 2 })],
    fused: hasOp('conv2d_pool'),
  },
  {
    name: 'conv valid → 2×2 same max pool (conv2d_pool), swish',
    input: [12, 9, 4],
    layers: [conv('c', 'in', 5, 4, { activation: 'swish', padding: 'valid' }), L('p', 'MaxPooling2D', ['c'], { pool_size: 2, padding: 'same' })],
    fused: hasOp('conv2d_pool'),
  },
  {
    name: 'conv → BatchNorm → ReLU folded into one conv',
    input: [7, 9, 3],
    layers: [conv('c', 'in', 4, 3), bn('b', 'c', 4), L('r', 'Activation', ['b'], { activation: 'relu' })],
    fused: (nodes) => nodes.length === 1 && nodes[0].op === 'conv2d',
  },
  {
    name: 'ZeroPadding2D ((1,2),(2,0)) folded into a depthwise conv, stride 2',
    input: [9, 8, 3],
    layers: [
      L('z', 'ZeroPadding2D', ['in'], { padding: [[1, 2], [2, 0]] }),
      L('d', 'DepthwiseConv2D', ['z'], { kernel_size: 3, strides: 2, padding: 'valid', activation: 'relu' }, [[3, 3, 3, 1], [3]]),
    ],
    fused: (nodes) => nodes.length === 1 && nodes[0].op === 'depthwise_conv2d',
  },
  {
    name: 'conv (linear) + skip → Add → ReLU: residual before the activation',
    input: [6, 7, 4],
    layers: [conv('c', 'in', 4, 4), L('a', 'Add', ['c', 'in']), L('r', 'Activation', ['a'], { activation: 'relu' })],
    fused: hasOp('conv2d', (n) => n.inputs.length === 2 && !n.attrs.residualAfterActivation),
  },
  {
    name: 'conv (relu) + skip → Add: residual after the activation',
    input: [6, 7, 4],
    layers: [conv('c', 'in', 4, 4, { activation: 'relu' }), L('a', 'Add', ['in', 'c'])],
    fused: hasOp('conv2d', (n) => n.inputs.length === 2 && n.attrs.residualAfterActivation === true),
  },
  {
    name: 'Add → ReLU fused into the merge; BatchNorm after a merge with its activation fused',
    input: [5, 6, 3],
    layers: [
      conv('c', 'in', 3, 3, { activation: 'tanh' }),
      L('a', 'Add', ['c', 'in']),
      L('r', 'Activation', ['a'], { activation: 'relu' }),
      conv('c2', 'r', 3, 3, { activation: 'elu' }),
      L('m', 'Multiply', ['c2', 'r']),
      bn('b', 'm', 3),
      L('s', 'Activation', ['b'], { activation: 'sigmoid' }),
    ],
    fused: (nodes) => hasOp('merge', (n) => (n.attrs.activation as { kind: number }).kind !== 0)(nodes) && hasOp('batch_norm', (n) => (n.attrs.activation as { kind: number }).kind !== 0)(nodes),
  },
  {
    name: 'Dense with BatchNorm folded and ReLU fused; Rescaling and Normalization with fused activations',
    input: [4, 5, 3],
    layers: [
      L('sc', 'Rescaling', ['in'], { scale: 0.5, offset: 0.1 }),
      L('sa', 'Activation', ['sc'], { activation: 'relu6' }),
      L('n', 'Normalization', ['sa'], { axis: -1, mean: [0.1, 0.2, 0.3], variance: [1, 2, 3] }),
      L('na', 'Activation', ['n'], { activation: 'softplus' }),
      L('f', 'Flatten', ['na']),
      L('d', 'Dense', ['f'], { units: 6 }, [[60, 6], [6]]),
      bn('b', 'd', 6),
      L('r', 'Activation', ['b'], { activation: 'relu' }),
    ],
    fused: (nodes) => nodes.filter((n) => n.op === 'activation' || n.op === 'batch_norm').length === 0,
  },
  {
    name: 'U-Net decoder step: transpose conv → BN → ReLU folded into it, concatenated with the skip',
    input: [4, 6, 4],
    layers: [
      conv('e', 'in', 4, 4, { activation: 'relu' }),
      L('p', 'MaxPooling2D', ['e'], { pool_size: 2 }),
      L('t', 'Conv2DTranspose', ['p'], { filters: 4, kernel_size: 2, strides: 2, padding: 'valid' }, [[2, 2, 4, 4], [4]]),
      bn('b', 't', 4),
      L('r', 'Activation', ['b'], { activation: 'relu' }),
      L('k', 'Concatenate', ['r', 'e'], { axis: -1 }),
    ],
    fused: (nodes) => !hasOp('batch_norm')(nodes) && hasOp('conv2d_transpose', (n) => (n.attrs.activation as { kind: number }).kind !== 0)(nodes),
  },
];

describe('ONNX export of the fused ops the passes make (ORT vs the unoptimised graph on the CPU)', () => {
  const ops = new Set<string>();
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = buildGraph(kerasModel(c.input, c.layers));
      const optimized = optimizeGraph(graph);
      expect(c.fused(optimized.nodes), 'the passes made the fused form under test').toBe(true);
      for (const n of optimized.nodes) ops.add(n.op);
      const x = batchOf(c.input, 300 + i, -3, 3);
      const onnx = await exportOnnx(optimized);
      const [got] = await runOnnx(onnx.bytes, onnx.inputNames, onnx.outputNames, [x]);
      expectTensorsClose(got, executeReference(graph, [x]).outputs[0], F32, c.name);
    });
  });

  it('ran conv2d_pool, the op only the passes make', () => {
    expect(ops.has('conv2d_pool')).toBe(true);
  });
});
