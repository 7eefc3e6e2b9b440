/**
 * The ZeroPadding2D folding pass (src/compile/passes/fold-padding.ts): a padding in front of a
 * DepthwiseConv2D disappears into the depthwise node's explicit pads, and the CPU reference of the
 * folded graph equals that of the original (the pad_crop2d reference writes the zeros, the
 * depthwise reference reads them as out-of-range taps: two independent paths). It refuses when the
 * padded tensor is read twice or is a graph output, for Cropping2D, and for a reader that cannot
 * absorb padding.
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { foldPadding } from '../../../src/compile/passes/fold-padding.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import type { DepthwiseConv2DAttrs } from '../../../src/ops/depthwise-conv2d.ts';
import type { Padding } from '../../../src/geometry/window.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

let seed = 1;

function pad(name: string, input: string, amounts: [[number, number], [number, number]], sign: 1 | -1 = 1): GraphNode {
  return {
    name,
    kerasClass: sign === 1 ? 'ZeroPadding2D' : 'Cropping2D',
    op: 'pad_crop2d',
    inputs: [input],
    output: `${name}:out`,
    attrs: { sign, amounts },
    weights: [],
  };
}

function depthwise(name: string, input: string, C: number, opts: { M?: number; strides?: number[]; padding?: Padding; kernel?: number[] } = {}): GraphNode {
  const M = opts.M ?? 1;
  const kernel = opts.kernel ?? [3, 3];
  const attrs: DepthwiseConv2DAttrs = {
    kernelSize: kernel,
    strides: opts.strides ?? [1, 1],
    dilation: [1, 1],
    padding: opts.padding ?? 'valid',
    multiplier: M,
    activation: makeActivation(ActivationKind.Relu6),
  };
  return {
    name,
    kerasClass: 'DepthwiseConv2D',
    op: 'depthwise_conv2d',
    inputs: [input],
    output: `${name}:out`,
    attrs: attrs as unknown as Record<string, unknown>,
    weights: [
      { name: 'kernel', shape: [kernel[0], kernel[1], C, M], data: randomArray(kernel[0] * kernel[1] * C * M, seed++, -1, 1) },
      { name: 'bias', shape: [C * M], data: randomArray(C * M, seed++, -0.2, 0.2) },
    ],
  };
}

function relu(name: string, input: string): GraphNode {
  return { name, kerasClass: 'ReLU', op: 'activation', inputs: [input], output: `${name}:out`, attrs: { activation: makeActivation(ActivationKind.Relu) }, weights: [] };
}

function add(name: string, inputs: string[]): GraphNode {
  return { name, kerasClass: 'Add', op: 'merge', inputs, output: `${name}:out`, attrs: { kind: 'add', activation: LINEAR }, weights: [] };
}

function graphOf(nodes: GraphNode[], outputs: string[], shape: number[]): Graph {
  return { inputs: [{ name: 'x', shape: [null, ...shape.slice(1)] }], outputs, nodes, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' } };
}

/** Runs the pass, checks it left its input alone, and that both graphs compute the same outputs. */
function fold(graph: Graph, shape: number[]): Graph {
  const before = JSON.stringify(graph);
  const folded = foldPadding(graph);
  expect(JSON.stringify(graph), 'the pass must not mutate its input graph').toBe(before);
  const x = randomTensor(shape, seed++, -2, 2);
  const want = executeReference(graph, [x]).outputs;
  const got = executeReference(folded, [x]).outputs;
  want.forEach((w, i) => expectTensorsClose(got[i], w, { atol: 1e-6, rtol: 1e-6 }, `output ${i}`));
  return folded;
}

describe('foldPadding', () => {
  it("folds MobileNetV2's ZeroPadding2D ((0, 1), (0, 1)) into the stride-2 'valid' depthwise conv", () => {
    const shape = [2, 10, 9, 8];
    const g = graphOf([pad('pad', 'x', [[0, 1], [0, 1]]), depthwise('dw', 'pad:out', 8, { strides: [2, 2] })], ['dw:out'], shape);
    const folded = fold(g, shape);
    expect(folded.nodes.map((n) => n.op)).toEqual(['depthwise_conv2d']);
    expect(folded.nodes[0].inputs).toEqual(['x']);
    expect(folded.nodes[0].attrs.pads).toEqual([[0, 1], [0, 1]]);
  });

  it("folds asymmetric pads in front of a 'same' conv with a multiplier, and two paddings in a row", () => {
    const shape = [1, 7, 11, 3];
    const g = graphOf(
      [pad('p1', 'x', [[2, 0], [1, 3]]), pad('p2', 'p1:out', [[1, 1], [0, 2]]), depthwise('dw', 'p2:out', 3, { M: 2, strides: [2, 2], padding: 'same', kernel: [5, 3] })],
      ['dw:out'],
      shape,
    );
    const folded = fold(g, shape);
    // The first padding's reader is the second padding (which absorbs nothing): it stays.
    expect(folded.nodes.map((n) => n.name)).toEqual(['p1', 'dw']);
    expect(folded.nodes[1].inputs).toEqual(['p1:out']);
    // DEFAULT_PASSES fold it too.
    expect(optimizeGraph(g).nodes.map((n) => n.op)).toEqual(['pad_crop2d', 'depthwise_conv2d']);
  });

  it('refuses when the padded tensor has another reader', () => {
    const shape = [1, 6, 6, 4];
    const g = graphOf(
      [pad('pad', 'x', [[1, 1], [1, 1]]), depthwise('dw', 'pad:out', 4), relu('r', 'pad:out'), add('sum', ['dw:out', 'dw:out'])],
      ['sum:out', 'r:out'],
      shape,
    );
    expect(fold(g, shape).nodes.map((n) => n.op)).toEqual(['pad_crop2d', 'depthwise_conv2d', 'activation', 'merge']);
  });

  it('refuses when the padded tensor is a graph output', () => {
    const shape = [1, 6, 6, 4];
    const g = graphOf([pad('pad', 'x', [[1, 1], [1, 1]]), depthwise('dw', 'pad:out', 4)], ['dw:out', 'pad:out'], shape);
    expect(fold(g, shape).nodes.map((n) => n.op)).toEqual(['pad_crop2d', 'depthwise_conv2d']);
  });

  it('refuses Cropping2D (negative padding)', () => {
    const shape = [1, 9, 8, 4];
    const g = graphOf([pad('crop', 'x', [[1, 2], [0, 1]], -1), depthwise('dw', 'crop:out', 4)], ['dw:out'], shape);
    expect(fold(g, shape).nodes.map((n) => n.op)).toEqual(['pad_crop2d', 'depthwise_conv2d']);
  });

  it('refuses a reader without absorbPadding', () => {
    const shape = [1, 4, 5, 3];
    const g = graphOf([pad('pad', 'x', [[1, 0], [0, 1]]), relu('r', 'pad:out')], ['r:out'], shape);
    expect(fold(g, shape).nodes.map((n) => n.op)).toEqual(['pad_crop2d', 'activation']);
  });
});
