/**
 * fuse-add pass: a residual Add folded into the Conv2D producing one operand. Each case checks
 * the node count after DEFAULT_PASSES, that the input graph is not mutated, and that the CPU
 * reference gives the same outputs before and after (1e-5: the fused form sums in another order).
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { fuseResidualAdds } from '../../../src/compile/passes/fuse-add.ts';
import { DEFAULT_PASSES, optimizeGraph } from '../../../src/compile/passes/index.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

const RELU = makeActivation(ActivationKind.Relu);
let seed = 1;

function conv(name: string, input: string, cin: number, filters: number, k = 3, act: Activation = LINEAR): GraphNode {
  const s = Math.sqrt(3 / (k * k * cin));
  return {
    name, kerasClass: 'Conv2D', op: 'conv2d', inputs: [input], output: `${name}:out`,
    attrs: { filters, kernelSize: [k, k], strides: [1, 1], dilation: [1, 1], padding: 'same', groups: 1, activation: act },
    weights: [
      { name: 'kernel', shape: [k, k, cin, filters], data: randomArray(k * k * cin * filters, seed++, -s, s) },
      { name: 'bias', shape: [filters], data: randomArray(filters, seed++, -0.2, 0.2) },
    ],
  };
}

function add(name: string, inputs: string[]): GraphNode {
  return { name, kerasClass: 'Add', op: 'merge', inputs, output: `${name}:out`, attrs: { kind: 'add', activation: LINEAR }, weights: [] };
}

function relu(name: string, input: string): GraphNode {
  return { name, kerasClass: 'Activation', op: 'activation', inputs: [input], output: `${name}:out`, attrs: { activation: RELU }, weights: [] };
}

function graphOf(nodes: GraphNode[], outputs: string[], inputs: (number | null)[][] = [[null, 7, 9, 4]]): Graph {
  return {
    inputs: inputs.map((shape, i) => ({ name: i === 0 ? 'x' : `x${i}`, shape })),
    outputs, nodes, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' },
  };
}

function check(graph: Graph, expectedNodes: number, shapes: number[][] = [[2, 7, 9, 4]]): Graph {
  const before = JSON.stringify(graph);
  const opt = optimizeGraph(graph);
  expect(JSON.stringify(graph), 'passes must not mutate their input graph').toBe(before);
  expect(opt.nodes).toHaveLength(expectedNodes);
  const xs = shapes.map((s, i) => randomTensor(s, 90 + i, -2, 2));
  const ref = executeReference(graph, xs).outputs;
  const got = executeReference(opt, xs).outputs;
  ref.forEach((r, i) => expectTensorsClose(got[i], r, { atol: 1e-5, rtol: 1e-5 }, `output ${i}`));
  return opt;
}

describe('fuse-add pass', () => {
  it('runs last in DEFAULT_PASSES', () => {
    expect(DEFAULT_PASSES.at(-1)).toBe(fuseResidualAdds);
  });

  it('linear conv + identity shortcut, Add → ReLU: one conv, residual before the relu', () => {
    const g = graphOf([conv('c', 'x', 4, 4), add('a', ['c:out', 'x']), relu('r', 'a:out')], ['r:out']);
    const [n] = check(g, 1).nodes;
    expect(n.inputs).toEqual(['x', 'x']);
    expect(n.output).toBe('r:out');
    expect((n.attrs.activation as Activation).kind).toBe(ActivationKind.Relu);
    expect(n.attrs.residualAfterActivation).toBeUndefined();
  });

  it('conv with relu + shortcut, linear Add (the malaria ResNet blocks): residual after the relu', () => {
    const g = graphOf([conv('c1', 'x', 4, 4, 3, RELU), conv('c2', 'c1:out', 4, 4, 3, RELU), add('a', ['x', 'c2:out'])], ['a:out']);
    const opt = check(g, 2);
    expect(opt.nodes[1].inputs).toEqual(['c1:out', 'x']);
    expect(opt.nodes[1].attrs.residualAfterActivation).toBe(true);
  });

  it('conv with relu and Add → ReLU: two activations cannot share one epilogue, not fused', () => {
    check(graphOf([conv('c', 'x', 4, 4, 3, RELU), add('a', ['c:out', 'x']), relu('r', 'a:out')], ['r:out']), 2);
  });

  it('projection shortcut computed after the main conv: the later conv takes the Add\'s place', () => {
    const g = graphOf([conv('main', 'x', 4, 8), conv('proj', 'x', 4, 8, 1), add('a', ['main:out', 'proj:out']), relu('r', 'a:out')], ['r:out']);
    const opt = check(g, 2);
    expect(opt.nodes.map((n) => n.name)).toEqual(['main', 'proj']);
    expect(opt.nodes[1].inputs).toEqual(['x', 'main:out']);
  });

  it('chained residual blocks both fuse', () => {
    const g = graphOf([conv('c1', 'x', 4, 4), add('a1', ['c1:out', 'x']), conv('c2', 'a1:out', 4, 4), add('a2', ['a1:out', 'c2:out'])], ['a2:out']);
    check(g, 2);
  });

  it('not fused when the conv output has another reader', () => {
    const g = graphOf([conv('c', 'x', 4, 4), add('a', ['c:out', 'x']), conv('d', 'c:out', 4, 4, 1), add('b', ['a:out', 'd:out'])], ['b:out']);
    // a cannot take c (c:out is read by d too); b takes d.
    const opt = check(g, 3);
    expect(opt.nodes.map((n) => n.op)).toEqual(['conv2d', 'merge', 'conv2d']);
  });

  it('not fused when the conv output is a graph output', () => {
    check(graphOf([conv('c', 'x', 4, 4), add('a', ['c:out', 'x'])], ['a:out', 'c:out']), 2);
  });

  it('not fused when the Add broadcasts', () => {
    const g = graphOf([conv('c', 'x', 4, 4), add('a', ['c:out', 'x1'])], ['a:out'], [[null, 7, 9, 4], [null, 1, 1, 4]]);
    check(g, 2, [[2, 7, 9, 4], [2, 1, 1, 4]]);
  });

  it('not fused with three operands, nor for other merge kinds', () => {
    check(graphOf([conv('c', 'x', 4, 4), add('a', ['c:out', 'x', 'x'])], ['a:out']), 2);
    const sub: GraphNode = { ...add('s', ['c:out', 'x']), kerasClass: 'Subtract', attrs: { kind: 'subtract', activation: LINEAR } };
    check(graphOf([conv('c', 'x', 4, 4), sub], ['s:out']), 2);
  });

  it('fuses with free spatial dimensions (fully convolutional input)', () => {
    const g = graphOf([conv('c', 'x', 4, 4), add('a', ['x', 'c:out'])], ['a:out'], [[null, null, null, 4]]);
    check(g, 1, [[1, 5, 6, 4]]);
  });
});
