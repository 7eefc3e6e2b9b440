/**
 * Graph passes: BatchNorm folding and activation fusion. Each case builds a small graph, checks
 * how many nodes the optimised graph keeps, and that the CPU reference gives the same outputs
 * before and after (within 1e-5: folding rounds W·scale and b·scale + shift to f32 once).
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode, type WeightTensor } from '../../../src/graph/ir.ts';
import { DEFAULT_PASSES, optimizeGraph } from '../../../src/compile/passes/index.ts';
import { foldBatchNorm } from '../../../src/compile/passes/fold-batch-norm.ts';
import { foldPadding } from '../../../src/compile/passes/fold-padding.ts';
import { fuseActivations } from '../../../src/compile/passes/fuse-activation.ts';
import { fuseResidualAdds } from '../../../src/compile/passes/fuse-add.ts';
import { fusePools } from '../../../src/compile/passes/fuse-pool.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

const RELU = makeActivation(ActivationKind.Relu);
let seed = 1;

function dense(name: string, input: string, K: number, units: number, act: Activation = LINEAR, bias = true): GraphNode {
  const weights: WeightTensor[] = [{ name: 'kernel', shape: [K, units], data: randomArray(K * units, seed++, -0.5, 0.5) }];
  if (bias) weights.push({ name: 'bias', shape: [units], data: randomArray(units, seed++) });
  return { name, kerasClass: 'Dense', op: 'dense', inputs: [input], output: `${name}:out`, attrs: { units, activation: act }, weights };
}

function bn(name: string, input: string, C: number, opts: { center?: boolean; scale?: boolean } = {}): GraphNode {
  const weights: WeightTensor[] = [];
  if (opts.scale !== false) weights.push({ name: 'gamma', shape: [C], data: randomArray(C, seed++, 0.5, 1.5) });
  if (opts.center !== false) weights.push({ name: 'beta', shape: [C], data: randomArray(C, seed++, -0.3, 0.3) });
  weights.push({ name: 'moving_mean', shape: [C], data: randomArray(C, seed++, -0.5, 0.5) });
  weights.push({ name: 'moving_variance', shape: [C], data: randomArray(C, seed++, 0.2, 2) });
  return { name, kerasClass: 'BatchNormalization', op: 'batch_norm', inputs: [input], output: `${name}:out`, attrs: { axis: -1, epsilon: 1e-3, activation: LINEAR }, weights };
}

function act(name: string, input: string, a: Activation = RELU): GraphNode {
  return { name, kerasClass: 'Activation', op: 'activation', inputs: [input], output: `${name}:out`, attrs: { activation: a }, weights: [] };
}

function add(name: string, inputs: string[]): GraphNode {
  return { name, kerasClass: 'Add', op: 'merge', inputs, output: `${name}:out`, attrs: { kind: 'add', activation: LINEAR }, weights: [] };
}

function graphOf(nodes: GraphNode[], outputs: string[], inputShape = [null, 6]): Graph {
  return { inputs: [{ name: 'x', shape: inputShape }], outputs, nodes, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' } };
}

/** Optimises with DEFAULT_PASSES, checks the node count and that outputs agree with the original graph. */
function checkPasses(graph: Graph, expectedNodes: number, inputShape = [3, 6]): Graph {
  const before = JSON.stringify(graph);
  const optimised = optimizeGraph(graph);
  expect(JSON.stringify(graph), 'passes must not mutate their input graph').toBe(before);
  expect(optimised.nodes.map((n) => n.op)).toHaveLength(expectedNodes);
  const x = randomTensor(inputShape, 99, -2, 2);
  const ref = executeReference(graph, [x]).outputs;
  const opt = executeReference(optimised, [x]).outputs;
  ref.forEach((r, i) => expectTensorsClose(opt[i], r, { atol: 1e-5, rtol: 1e-5 }, `output ${i}`));
  return optimised;
}

describe('graph passes', () => {
  it('are the defaults loadModel applies', () => {
    expect(DEFAULT_PASSES).toEqual([foldPadding, foldBatchNorm, fuseActivations, fusePools, fuseResidualAdds]);
  });

  it('dense → BN → ReLU becomes one dense with folded weights and a fused relu', () => {
    const g = graphOf([dense('d', 'x', 6, 4), bn('bn', 'd:out', 4), act('relu', 'bn:out')], ['relu:out']);
    const opt = checkPasses(g, 1);
    expect(opt.nodes[0].name).toBe('d');
    expect(opt.nodes[0].output).toBe('relu:out');
    expect((opt.nodes[0].attrs.activation as Activation).kind).toBe(ActivationKind.Relu);
  });

  it('folds BN with center=False and scale=False into a dense without bias', () => {
    const g = graphOf([dense('d', 'x', 6, 5, LINEAR, false), bn('bn', 'd:out', 5, { center: false, scale: false })], ['bn:out']);
    checkPasses(g, 1);
  });

  it('folds BN on a rank-4 dense (per last-axis channel)', () => {
    const g = graphOf([dense('d', 'x', 6, 3), bn('bn', 'd:out', 3)], ['bn:out'], [null, 4, 5, 6]);
    checkPasses(g, 1, [2, 4, 5, 6]);
  });

  it('does not fold BN into a producer with a non-linear activation (keeps BN, fuses the next ReLU into it)', () => {
    const g = graphOf([dense('d', 'x', 6, 4, RELU), bn('bn', 'd:out', 4), act('relu', 'bn:out')], ['relu:out']);
    const opt = checkPasses(g, 2);
    expect(opt.nodes.map((n) => n.op)).toEqual(['dense', 'batch_norm']);
  });

  it('does not fold BN when its input has a second reader', () => {
    const g = graphOf([dense('d', 'x', 6, 4), bn('bn', 'd:out', 4), dense('d2', 'd:out', 4, 2), add('sum', ['bn:out', 'bn:out'])], ['sum:out', 'd2:out']);
    const opt = checkPasses(g, 4);
    expect(opt.nodes.map((n) => n.op)).toEqual(['dense', 'batch_norm', 'dense', 'merge']);
  });

  it('does not fold BN when its input is a graph output', () => {
    const g = graphOf([dense('d', 'x', 6, 4), bn('bn', 'd:out', 4)], ['bn:out', 'd:out']);
    checkPasses(g, 2);
  });

  it('does not fold BN on a graph input (no producer)', () => {
    const g = graphOf([bn('bn', 'x', 6), act('relu', 'bn:out')], ['relu:out']);
    const opt = checkPasses(g, 1);
    expect(opt.nodes[0].op).toBe('batch_norm'); // ...but the ReLU fuses into it
  });

  it('does not fuse an activation whose input has two readers', () => {
    const g = graphOf([dense('d', 'x', 6, 4), act('relu', 'd:out'), add('sum', ['relu:out', 'd:out'])], ['sum:out']);
    const opt = checkPasses(g, 3);
    expect(opt.nodes.map((n) => n.op)).toEqual(['dense', 'activation', 'merge']);
  });

  it('does not fuse an activation whose input is a graph output', () => {
    const g = graphOf([dense('d', 'x', 6, 4), act('relu', 'd:out', makeActivation(ActivationKind.Sigmoid))], ['relu:out', 'd:out']);
    checkPasses(g, 2);
  });

  it('does not fuse into a producer that already has an activation', () => {
    const g = graphOf([dense('d', 'x', 6, 4, RELU), act('t', 'd:out', makeActivation(ActivationKind.Tanh))], ['t:out']);
    checkPasses(g, 2);
  });

  it('fuses an activation into a merge (residual Add → ReLU) and chains through several producers', () => {
    const g = graphOf(
      [dense('a', 'x', 6, 4), act('ra', 'a:out', makeActivation(ActivationKind.Elu, 0.5)), dense('b', 'x', 6, 4), add('sum', ['ra:out', 'b:out']), act('r', 'sum:out')],
      ['r:out'],
    );
    const opt = checkPasses(g, 3);
    expect(opt.nodes.map((n) => n.op)).toEqual(['dense', 'dense', 'merge']);
    expect(opt.outputs).toEqual(['r:out']);
  });

  it('keeps a graph output produced by the absorbed node reachable', () => {
    const g = graphOf([dense('d', 'x', 6, 4), bn('bn', 'd:out', 4), dense('d2', 'bn:out', 4, 2)], ['bn:out', 'd2:out']);
    const opt = checkPasses(g, 2);
    expect(opt.nodes[0].output).toBe('bn:out');
  });
});
