/**
 * fuse-pool pass: a 2×2 stride-2 MaxPooling2D folded into the Conv2D producing its input
 * (conv2d_pool). Each case checks the ops after DEFAULT_PASSES, that the input graph is not
 * mutated, and that the CPU reference gives the same outputs before and after (the fused
 * reference is the same conv then pool, so they agree to float rounding).
 */
import { describe, expect, it } from 'vitest';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { fusePools } from '../../../src/compile/passes/fuse-pool.ts';
import { DEFAULT_PASSES, optimizeGraph } from '../../../src/compile/passes/index.ts';
import { exactNonFinite } from '../../../src/compile/passes/exact-non-finite.ts';
import { opModule } from '../../../src/ops/registry.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

let seed = 1;

interface ConvOptions {
  k?: number;
  act?: Activation;
  strides?: number[];
  groups?: number;
  padding?: 'same' | 'valid';
}

function conv(name: string, input: string | string[], cin: number, filters: number, o: ConvOptions = {}): GraphNode {
  const k = o.k ?? 3;
  const groups = o.groups ?? 1;
  const s = Math.sqrt(3 / (k * k * cin));
  return {
    name, kerasClass: 'Conv2D', op: 'conv2d', inputs: typeof input === 'string' ? [input] : input, output: `${name}:out`,
    attrs: {
      filters, kernelSize: [k, k], strides: o.strides ?? [1, 1], dilation: [1, 1], padding: o.padding ?? 'valid', groups, activation: o.act ?? LINEAR,
    },
    weights: [
      { name: 'kernel', shape: [k, k, cin / groups, filters], data: randomArray((k * k * cin * filters) / groups, seed++, -s, s) },
      { name: 'bias', shape: [filters], data: randomArray(filters, seed++, -0.2, 0.2) },
    ],
  };
}

function pool(name: string, input: string, size = 2, strides = size, mode = 'max', padding = 'valid'): GraphNode {
  return {
    name, kerasClass: 'MaxPooling2D', op: 'pool2d', inputs: [input], output: `${name}:out`,
    attrs: { mode, poolSize: [size, size], strides: [strides, strides], padding }, weights: [],
  };
}

function act(name: string, input: string, kind: ActivationKind): GraphNode {
  return { name, kerasClass: 'Activation', op: 'activation', inputs: [input], output: `${name}:out`, attrs: { activation: makeActivation(kind) }, weights: [] };
}

function graphOf(nodes: GraphNode[], outputs: string[], cin = 3): Graph {
  return {
    inputs: [{ name: 'x', shape: [null, 13, 15, cin] }],
    outputs, nodes, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' },
  };
}

function check(graph: Graph, ops: string[], cin = 3): Graph {
  const before = JSON.stringify(graph);
  const opt = optimizeGraph(graph);
  expect(JSON.stringify(graph), 'passes must not mutate their input graph').toBe(before);
  expect(opt.nodes.map((n) => n.op)).toEqual(ops);
  const xs = [randomTensor([2, 13, 15, cin], 90, -2, 2)];
  const ref = executeReference(graph, xs).outputs;
  const got = executeReference(opt, xs).outputs;
  ref.forEach((r, i) => expectTensorsClose(got[i], r, { atol: 1e-6, rtol: 1e-6 }, `output ${i}`));
  return opt;
}

describe('fuse-pool pass', () => {
  it('is one of DEFAULT_PASSES, after activation fusion', () => {
    expect(DEFAULT_PASSES).toContain(fusePools);
    expect(DEFAULT_PASSES.findIndex((p) => p.name === 'fuseActivations')).toBeLessThan(DEFAULT_PASSES.indexOf(fusePools));
  });

  it('fuses conv → 2×2 max pool (an RGB stem), keeping the pool output name and the conv name', () => {
    const g = graphOf([conv('c1', 'x', 3, 8, { act: makeActivation(ActivationKind.Relu) }), pool('p1', 'c1:out')], ['p1:out']);
    const opt = check(g, ['conv2d_pool']);
    expect(opt.nodes[0].name).toBe('c1');
    expect(opt.nodes[0].output).toBe('p1:out');
    expect(opt.nodes[0].attrs.pool).toEqual({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  });

  it('fuses a separate non-monotonic activation layer before the pool (act then max, as Keras)', () => {
    const g = graphOf([conv('c1', 'x', 3, 8), act('a1', 'c1:out', ActivationKind.Swish), pool('p1', 'a1:out')], ['p1:out']);
    check(g, ['conv2d_pool']);
  });

  it("fuses 'same' pooling and a strided 1×1 conv with 8 input channels", () => {
    const g = graphOf([conv('c1', 'x', 8, 5, { k: 1, strides: [2, 2] }), pool('p1', 'c1:out', 2, 2, 'max', 'same')], ['p1:out'], 8);
    check(g, ['conv2d_pool'], 8);
  });

  it('fuses a conv Winograd could run too (3×3 stride 1, inC % 4 = 0): whether it does is decided at encode, from shapes', () => {
    const g = graphOf([conv('c1', 'x', 8, 8), pool('p1', 'c1:out')], ['p1:out'], 8);
    check(g, ['conv2d_pool'], 8);
  });

  it('with allowNonFinite (exactNonFinite first, as loadModel runs it) a Winograd-able pair fuses pinned to the exact direct kernel', () => {
    const g = graphOf([conv('c1', 'x', 8, 8), pool('p1', 'c1:out')], ['p1:out'], 8);
    const opt = optimizeGraph(exactNonFinite(g));
    expect(opt.nodes.map((n) => [n.op, n.attrs.variant])).toEqual([['conv2d_pool', '8px8ch_vec4']]);
    // conv2d_pool's own hook pins a node fused before the option was applied.
    const fused = optimizeGraph(g).nodes[0];
    expect(opModule('conv2d_pool').exactNonFinite?.(fused)?.attrs.variant).toBe('8px8ch_vec4');
  });

  it('conv2d_pool is not autotuned: prefix timing misjudges Winograd + pool (see src/ops/conv2d-pool.ts), so the rule decides', () => {
    expect(opModule('conv2d_pool').tuningCandidates).toBeUndefined();
  });

  it('refuses a conv output read twice or that is a graph output', () => {
    const shared = graphOf([conv('c1', 'x', 3, 8), pool('p1', 'c1:out'), pool('p2', 'c1:out')], ['p1:out', 'p2:out']);
    check(shared, ['conv2d', 'pool2d', 'pool2d']);
    const output = graphOf([conv('c1', 'x', 3, 8), pool('p1', 'c1:out')], ['p1:out', 'c1:out']);
    check(output, ['conv2d', 'pool2d']);
  });

  it('refuses other pools: 3×3, 2×2 stride 1, average', () => {
    check(graphOf([conv('c1', 'x', 3, 8), pool('p1', 'c1:out', 3)], ['p1:out']), ['conv2d', 'pool2d']);
    check(graphOf([conv('c1', 'x', 3, 8), pool('p1', 'c1:out', 2, 1)], ['p1:out']), ['conv2d', 'pool2d']);
    check(graphOf([conv('c1', 'x', 3, 8), pool('p1', 'c1:out', 2, 2, 'avg')], ['p1:out']), ['conv2d', 'pool2d']);
  });

  it('refuses grouped convs and convs with a fused residual', () => {
    check(graphOf([conv('c1', 'x', 6, 6, { groups: 2 }), pool('p1', 'c1:out')], ['p1:out'], 6), ['conv2d', 'pool2d'], 6);
    const residual: Graph = {
      inputs: [{ name: 'x', shape: [null, 13, 15, 3] }, { name: 'r', shape: [null, 11, 13, 8] }],
      outputs: ['p1:out'],
      nodes: [conv('c1', ['x', 'r'], 3, 8), pool('p1', 'c1:out')],
      meta: { name: 't', kerasVersion: '3.0.0', format: 'test' },
    };
    expect(fusePools(residual).nodes.map((n) => n.op)).toEqual(['conv2d', 'pool2d']);
  });
});
