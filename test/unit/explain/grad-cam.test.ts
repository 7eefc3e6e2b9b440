/**
 * Grad-CAM's CPU half (src/explain): target choice, head extraction, the backward passes (against
 * central finite differences of the reference forward), the GAP → Dense closed form against the
 * generic path, class choice and refusals. The GPU half and Keras parity: test/gpu/models/gradcam.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedLayerError, ShapeError } from '../../../src/errors.ts';
import { backwardWeights, camMaps, classesFor, closedFormWeights } from '../../../src/explain/grad-cam.ts';
import { findTarget, headOf, type GradCamHead } from '../../../src/explain/head.ts';
import { activationDerivative } from '../../../src/explain/activation-grad.ts';
import { activate } from '../../../src/reference/activation.ts';
import { ActivationKind, LINEAR, type Activation, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { randomArray, randomTensor } from '../../util/random.ts';
import { join } from 'node:path';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { stripOutputActivation } from '../../../src/compile/passes/logits.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { fixturesDir } from '../../util/fixtures.ts';

const act = (kind: ActivationKind, alpha = 0): Activation => ({ kind, alpha, beta: 0, gamma: 0 });
let seed = 100;
const w = (name: string, shape: number[], lo = -1, hi = 1) => ({ name, shape, data: randomArray(shape.reduce((a, b) => a * b, 1), seed++, lo, hi) });

function node(name: string, op: string, inputs: string[], attrs: Record<string, unknown> = {}, weights: GraphNode['weights'] = [], kerasClass = op): GraphNode {
  return { name, kerasClass, op, inputs, output: `${name}:0:0`, attrs, weights };
}

const dense = (name: string, input: string, inDim: number, units: number, activation: Activation = LINEAR) =>
  node(name, 'dense', [input], { units, activation }, [w('kernel', [inDim, units]), w('bias', [units], -0.1, 0.1)], 'Dense');

const conv = (name: string, input: string, cin: number, filters: number) =>
  node(name, 'conv2d', [input], {
    filters, kernelSize: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same', activation: act(ActivationKind.Relu),
  }, [w('kernel', [3, 3, cin, filters]), w('bias', [filters])], 'Conv2D');

function graph(nodes: GraphNode[], inputShape: (number | null)[]): Graph {
  return { inputs: [{ name: 'x:0:0', shape: inputShape }], outputs: [nodes[nodes.length - 1].output], nodes, meta: { name: 't', kerasVersion: '3.0.0', format: 'test' } };
}

/**
 * backwardWeights with the head's forward values from the CPU reference (the product takes them
 * from the GPU pass): the target (and external tensors) in, every head tensor out.
 */
function genericWeights(head: GradCamHead, target: Tensor, external: readonly Tensor[], classes: readonly number[]): Float64Array {
  const graph: Graph = {
    inputs: [{ name: head.target, shape: [...target.shape] }, ...head.external.map((name, i) => ({ name, shape: [...external[i].shape] }))],
    outputs: [head.output],
    nodes: head.nodes,
    meta: { name: 'grad-cam head', kerasVersion: '', format: 'test' },
  };
  return backwardWeights(head, executeReference(graph, [target, ...external], true).tensors, classes);
}

/** conv → BN → Flatten → Dense tanh → (Dense a, Dense elu b) → Multiply → Concatenate(·, a) → Dense 3. */
function smoothHead(): Graph {
  const c = 4;
  return graph(
    [
      conv('conv', 'x:0:0', 2, c),
      node('bn', 'batch_norm', ['conv:0:0'], { axis: -1, epsilon: 1e-3, activation: LINEAR }, [
        w('gamma', [c], 0.5, 1.5), w('beta', [c]), w('moving_mean', [c]), w('moving_variance', [c], 0.5, 2),
      ], 'BatchNormalization'),
      node('drop', 'identity', ['bn:0:0'], {}, [], 'Dropout'),
      node('flatten', 'flatten', ['drop:0:0'], {}, [], 'Flatten'),
      dense('fc', 'flatten:0:0', 3 * 3 * c, 6, act(ActivationKind.Tanh)),
      dense('a', 'fc:0:0', 6, 4),
      dense('b', 'fc:0:0', 6, 4, act(ActivationKind.Elu, 1)),
      node('mul', 'merge', ['a:0:0', 'b:0:0'], { kind: 'multiply', activation: LINEAR }, [], 'Multiply'),
      node('cat', 'concatenate', ['mul:0:0', 'a:0:0'], { axis: -1 }, [], 'Concatenate'),
      dense('logits', 'cat:0:0', 8, 3),
    ],
    [null, 3, 3, 2],
  );
}

/** d score / d A by central differences of the reference forward (float32), spatially averaged. */
function finiteDifferenceWeights(g: Graph, target: Tensor, klass: number[]): Float64Array {
  const head = headOf(g, 'drop:0:0');
  const sub: Graph = { inputs: [{ name: head.target, shape: [...target.shape] }], outputs: [head.output], nodes: head.nodes, meta: g.meta };
  const [n, h, wd, c] = target.shape;
  const units = 3;
  const score = (t: Tensor, b: number) => executeReference(sub, [t]).outputs[0].data[b * units + klass[b]];
  const out = new Float64Array(n * c);
  const eps = 1e-2;
  for (let i = 0; i < target.data.length; i++) {
    const b = Math.floor(i / (h * wd * c));
    const plus = Float32Array.from(target.data);
    const minus = Float32Array.from(target.data);
    plus[i] += eps;
    minus[i] -= eps;
    const d = (score({ shape: target.shape, data: plus }, b) - score({ shape: target.shape, data: minus }, b)) / (2 * eps);
    out[b * c + (i % c)] += d / (h * wd);
  }
  return out;
}

describe('Grad-CAM target and head', () => {
  it('explains the input of the Flatten after the last spatial layer, under its Keras name', () => {
    const g = smoothHead();
    const target = findTarget(g, [2, 3, 3, 2]);
    expect(target).toBe('drop:0:0');
    const head = headOf(g, target);
    expect(head.layer).toBe('drop');
    expect(head.nodes.map((n) => n.op)).toEqual(['flatten', 'dense', 'activation', 'dense', 'dense', 'activation', 'merge', 'concatenate', 'dense']);
    expect(head.external).toEqual([]);
    // The forward pass returns logits, target, then every head value; fused activations are split
    // so their pre-activation values exist (and stay unfused, being graph outputs).
    expect(head.tensors.slice(0, 2)).toEqual(['logits:0:0', 'drop:0:0']);
    expect(head.tensors).toContain('fc/preactivation:out');
    expect(head.graph.outputs).toEqual(head.tensors);
    expect(head.graph.nodes.filter((n) => n.name === 'fc').map((n) => n.op)).toEqual(['dense', 'activation']);
    expect(head.graph.nodes.find((n) => n.name === 'conv')).toBe(g.nodes[0]);
  });

  it('takes a named layer and refuses names it does not know or non-spatial layers', () => {
    const g = smoothHead();
    expect(findTarget(g, [1, 3, 3, 2], 'bn')).toBe('bn:0:0');
    expect(() => findTarget(g, [1, 3, 3, 2], 'nope')).toThrow(ShapeError);
    expect(() => findTarget(g, [1, 3, 3, 2], 'fc')).toThrow(/rank-2/);
  });

  it('refuses a head holding a layer without a backward pass, naming the layer and its class', () => {
    const g = graph(
      [conv('conv1', 'x:0:0', 2, 4), conv('conv2', 'conv1:0:0', 4, 4), node('gap', 'global_pool', ['conv2:0:0'], { mode: 'avg', keepdims: false, spatialRank: 2 }), dense('logits', 'gap:0:0', 4, 2)],
      [null, 5, 5, 2],
    );
    const target = findTarget(g, [1, 5, 5, 2], 'conv1');
    let caught: unknown;
    try {
      headOf(g, target);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UnsupportedLayerError);
    expect((caught as UnsupportedLayerError).layerName).toBe('conv2');
    expect((caught as Error).message).toMatch(/Layer "conv2" \(Conv2D\).*Grad-CAM cannot differentiate through Conv2D/);
  });

  it('a GlobalAveragePooling2D with keepdims (rank 4, 1×1) is the head, not the last spatial layer', () => {
    const g = graph(
      [
        conv('conv', 'x:0:0', 2, 4),
        node('gap', 'global_pool', ['conv:0:0'], { mode: 'avg', keepdims: true, spatialRank: 2 }, [], 'GlobalAveragePooling2D'),
        node('drop', 'identity', ['gap:0:0'], {}, [], 'Dropout'),
        node('flatten', 'flatten', ['drop:0:0'], {}, [], 'Flatten'),
        dense('logits', 'flatten:0:0', 4, 2),
      ],
      [null, 5, 5, 2],
    );
    const target = findTarget(g, [1, 5, 5, 2]);
    expect(target).toBe('conv:0:0');
    const head = headOf(g, target);
    const a = randomTensor([1, 5, 5, 4], 3);
    const closed = closedFormWeights(head, a, [1]);
    expect(closed).toBeDefined(); // GAP → Dropout → Flatten → Dense still has the closed form
    const generic = genericWeights(head, a, [], [1]);
    for (let i = 0; i < 4; i++) expect(closed![i]).toBeCloseTo(generic[i], 12);
  });

  it('refuses a model with no head to find', () => {
    const g = graph([conv('conv1', 'x:0:0', 2, 4)], [null, 5, 5, 2]);
    expect(() => findTarget(g, [1, 5, 5, 2])).toThrow(/no Flatten or global pooling layer/);
  });
});

describe('Grad-CAM weights', () => {
  it('the generic backward through BN, Dense tanh/elu, Multiply and Concatenate equals central differences', () => {
    const g = smoothHead();
    const x = randomTensor([2, 3, 3, 2], 7);
    const target = executeReference(g, [x], true).tensors.get('drop:0:0')!;
    const head = headOf(g, 'drop:0:0');
    for (const klass of [[0, 2], [1, 1]]) {
      const generic = genericWeights(head, target, [], klass);
      const fd = finiteDifferenceWeights(g, target, klass);
      const scale = Math.max(...fd.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3); // a gradient that is not trivially zero
      // Float32 forward, h = 1e-2: differences are good to ~1e-4 of the largest weight.
      for (let i = 0; i < fd.length; i++) expect(Math.abs(generic[i] - fd[i])).toBeLessThan(2e-3 * scale);
    }
  });

  it('GAP → Dropout → Dense: the closed form W[:, k] / (h·w) equals the generic path, softmax and sigmoid heads', () => {
    for (const units of [3, 1]) {
      const g = graph(
        [
          conv('conv', 'x:0:0', 2, 5),
          node('gap', 'global_pool', ['conv:0:0'], { mode: 'avg', keepdims: false, spatialRank: 2 }, [], 'GlobalAveragePooling2D'),
          node('drop', 'identity', ['gap:0:0'], {}, [], 'Dropout'),
          dense('logits', 'drop:0:0', 5, units),
        ],
        [null, 4, 6, 2],
      );
      const x = randomTensor([2, 4, 6, 2], 11);
      const targetName = findTarget(g, [2, 4, 6, 2]);
      expect(targetName).toBe('conv:0:0');
      const target = executeReference(g, [x], true).tensors.get(targetName)!;
      const head = headOf(g, targetName);
      const classes = units === 1 ? [0, 1] : [2, 0];
      const closed = closedFormWeights(head, target, classes);
      expect(closed).toBeDefined();
      const generic = genericWeights(head, target, [], classes);
      for (let i = 0; i < generic.length; i++) expect(closed![i]).toBeCloseTo(generic[i], 12);
      if (units === 1) expect(closed![0]).toBeCloseTo(-head.nodes[2].weights[0].data[0] / 24, 12); // class 0: −logit
    }
  });

  it('the malaria ResNet fixture (GAP → Dense sigmoid): closed form and generic path agree on its real weights', async () => {
    const file = join(fixturesDir(), 'models/malaria-resnet-keras2-h5/malaria_model.h5');
    const g = stripOutputActivation(buildGraph(await readKerasModel(await readModelFiles(file))));
    const target = findTarget(g, [2, 224, 224, 3]);
    const head = headOf(g, target);
    expect(head.layer).toBe('max_pooling2d_3');
    expect(head.nodes.map((n) => n.kerasClass)).toEqual(['GlobalAveragePooling2D', 'Dense']);
    const c = head.nodes[1].weights[0].shape[0];
    const a = randomTensor([2, 24, 24, c], 5, 0, 3);
    for (const classes of [[0, 1], [1, 0]]) {
      const closed = closedFormWeights(head, a, classes)!;
      const generic = genericWeights(head, a, [], classes);
      for (let i = 0; i < generic.length; i++) expect(closed[i]).toBeCloseTo(generic[i], 12);
      expect(closed[0]).toBeCloseTo(-closed[c], 12); // class 0 and class 1 of one unit: opposite weights
    }
  });

  it('a GlobalMaxPooling head sends the gradient to the maximum, shared among ties', () => {
    const g = graph(
      [conv('conv', 'x:0:0', 1, 2), node('gmp', 'global_pool', ['conv:0:0'], { mode: 'max', keepdims: false, spatialRank: 2 }), dense('logits', 'gmp:0:0', 2, 2)],
      [null, 2, 2, 1],
    );
    const head = headOf(g, 'conv:0:0');
    expect(closedFormWeights(head, { shape: [1, 2, 2, 2], data: new Float32Array(8) }, [0])).toBeUndefined();
    // Channel 0: max 3 at two positions; channel 1: max 5 at one.
    const target: Tensor = { shape: [1, 2, 2, 2], data: Float32Array.from([3, 1, 3, 5, 0, 2, 1, 4]) };
    const weights = genericWeights(head, target, [], [1]);
    const kernel = head.nodes[1].weights[0].data; // [2, 2]: W[c, k] at c*2 + k
    // Spatial mean of the gradient: each channel's whole W[c, 1] lands on its max position(s), / 4 positions.
    expect(weights[0]).toBeCloseTo(kernel[0 * 2 + 1] / 4, 6);
    expect(weights[1]).toBeCloseTo(kernel[1 * 2 + 1] / 4, 6);
  });

  it('activation derivatives match central differences', () => {
    const kinds = Object.values(ActivationKind).filter((k): k is ActivationKind => typeof k === 'number' && k !== ActivationKind.ReluGeneral);
    for (const kind of kinds) {
      const a = act(kind, 0.3);
      for (const x of [-2.3, -0.7, 0.4, 1.9, 7.1]) {
        const h = 1e-6;
        const fd = (activate(a, x + h) - activate(a, x - h)) / (2 * h);
        // erf to 1.5e-7 (Abramowitz & Stegun) for GELU: 5 decimals hold.
        expect(activationDerivative(a, x), `${ActivationKind[kind]} at ${x}`).toBeCloseTo(fd, 5);
      }
    }
  });
});

it('ReLU with a slope, a threshold and a max (Keras ReLU layer): derivative alpha, 1, 0 on its three pieces', () => {
  const a: Activation = { kind: ActivationKind.ReluGeneral, alpha: 0.1, beta: 6, gamma: 0.5 };
  expect([-1, 0.2, 0.7, 5.9, 6.5].map((x) => activationDerivative(a, x))).toEqual([0.1, 0.1, 1, 1, 0]);
});

describe('Grad-CAM classes and maps', () => {
  it('predicts the class per item (one sigmoid unit: logit > 0 is class 1) and checks given ones', () => {
    expect(classesFor({ shape: [3, 1], data: Float32Array.from([0.5, -2, 0]) }, undefined)).toEqual([1, 0, 0]);
    expect(classesFor({ shape: [2, 3], data: Float32Array.from([0, 2, 1, 5, -1, 4]) }, undefined)).toEqual([1, 0]);
    expect(classesFor({ shape: [2, 3], data: new Float32Array(6) }, 2)).toEqual([2, 2]);
    expect(classesFor({ shape: [2, 3], data: new Float32Array(6) }, [0, 1])).toEqual([0, 1]);
    expect(() => classesFor({ shape: [2, 3], data: new Float32Array(6) }, 3)).toThrow(/out of range.*3 classes/);
    expect(() => classesFor({ shape: [2, 1], data: new Float32Array(2) }, 2)).toThrow(/2 classes/);
    expect(() => classesFor({ shape: [2, 3], data: new Float32Array(6) }, [1])).toThrow(/1 class indices for a batch of 2/);
  });

  it('maps are ReLU(Σ w·A) / max, and an all-negative map stays zero', () => {
    const target: Tensor = { shape: [2, 1, 2, 2], data: Float32Array.from([1, 2, 3, 4, 1, 0, 0, 1]) };
    const maps = camMaps(target, Float64Array.from([1, 0.5, -1, -1]));
    // Item 0: [1 + 1, 3 + 2] = [2, 5] → [0.4, 1]; item 1: [-1, -1] → ReLU 0 → stays 0 (not NaN).
    expect(Array.from(maps.data)).toEqual([Math.fround(0.4), 1, 0, 0]);
    expect(maps.shape).toEqual([2, 1, 2]);
  });
});
