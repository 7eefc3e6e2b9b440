/**
 * Zero-copy ops (Flatten, Reshape, Dropout family) and the graph passes, through whole small
 * graphs on the GPU: the aliased buffer must be read with the new shape by the next kernel, and an
 * alias may be a graph output (even of a graph input). Compared with the CPU reference of the
 * unoptimised graph; tolerance as for Dense (atol 1e-5, rtol 1e-4: f32 sums of products).
 */
import { describe, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';

let seed = 900;
const node = (name: string, op: string, inputs: string[], attrs: Record<string, unknown> = {}, weights: GraphNode['weights'] = []): GraphNode => ({
  name,
  kerasClass: op,
  op,
  inputs,
  output: `${name}:out`,
  attrs,
  weights,
});
const dense = (name: string, input: string, K: number, units: number, act = LINEAR): GraphNode =>
  node(name, 'dense', [input], { units, activation: act }, [
    { name: 'kernel', shape: [K, units], data: randomArray(K * units, seed++, -0.5, 0.5) },
    { name: 'bias', shape: [units], data: randomArray(units, seed++) },
  ]);
const bn = (name: string, input: string, C: number): GraphNode =>
  node(name, 'batch_norm', [input], { axis: -1, epsilon: 1e-3, activation: LINEAR }, [
    { name: 'gamma', shape: [C], data: randomArray(C, seed++, 0.5, 1.5) },
    { name: 'beta', shape: [C], data: randomArray(C, seed++, -0.3, 0.3) },
    { name: 'moving_mean', shape: [C], data: randomArray(C, seed++, -0.5, 0.5) },
    { name: 'moving_variance', shape: [C], data: randomArray(C, seed++, 0.2, 2) },
  ]);
const relu = (name: string, input: string): GraphNode => node(name, 'activation', [input], { activation: makeActivation(ActivationKind.Relu) });

const graphOf = (nodes: GraphNode[], outputs: string[], shape: (number | null)[]): Graph => ({
  inputs: [{ name: 'x', shape }],
  outputs,
  nodes,
  meta: { name: 'alias', kerasVersion: '3.0.0', format: 'test' },
});

const cases: { name: string; graph: () => Graph; input: number[] }[] = [
  {
    name: 'Flatten → Dense',
    input: [2, 4, 5, 3],
    graph: () => graphOf([node('flat', 'flatten', ['x']), dense('d', 'flat:out', 60, 7)], ['d:out'], [null, 4, 5, 3]),
  },
  {
    name: 'Dense → Reshape(5, -1) → Dense on the new last axis',
    input: [2, 4, 5, 3],
    graph: () =>
      graphOf(
        [dense('d0', 'x', 3, 6), node('r', 'reshape', ['d0:out'], { targetShape: [5, -1] }), dense('d1', 'r:out', 24, 4)],
        ['d1:out'],
        [null, 4, 5, 3],
      ),
  },
  {
    name: 'Dropout → Flatten of the graph input is itself the output',
    input: [2, 3, 7],
    graph: () => graphOf([node('drop', 'identity', ['x']), node('flat', 'flatten', ['drop:out'])], ['flat:out'], [null, 3, 7]),
  },
  {
    name: 'an alias output next to a kernel reading the same buffer',
    input: [3, 8],
    graph: () =>
      graphOf([dense('d', 'x', 8, 6), node('r', 'reshape', ['d:out'], { targetShape: [2, 3] }), node('s', 'softmax', ['r:out'], { axis: 1 })], ['r:out', 's:out'], [null, 8]),
  },
  {
    name: 'Dense → BN → ReLU (folded and fused on the GPU)',
    input: [3, 10],
    graph: () => graphOf([dense('d', 'x', 10, 5), bn('bn', 'd:out', 5), relu('r', 'bn:out')], ['r:out'], [null, 10]),
  },
  {
    name: 'Add → BN → ReLU (BN not foldable; ReLU fused into it)',
    input: [2, 3, 4, 5],
    graph: () => graphOf([dense('a', 'x', 5, 5), node('sum', 'merge', ['a:out', 'x'], { kind: 'add', activation: LINEAR }), bn('bn', 'sum:out', 5), relu('r', 'bn:out')], ['r:out'], [null, 3, 4, 5]),
  },
];

describe('aliasing ops and passes in whole graphs on the GPU', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = c.graph();
      const x = randomTensor(c.input, 950 + i);
      const gpu = await runGraphOnGpu(graph, [x]);
      const { outputs } = executeReference(graph, [x]);
      outputs.forEach((ref, k) => expectTensorsClose(gpu[k], ref, { atol: 1e-5, rtol: 1e-4 }, `${c.name}: output ${k}`));
    });
  });
});
