/**
 * Keras layer configs → graph nodes for the non-convolution layers (activation layers, softmax,
 * merges, concatenate, BatchNormalization, Rescaling, Flatten/Reshape/Dropout family), and their
 * shape rules and error messages. Node tier: no GPU.
 */
import { describe, expect, it } from 'vitest';
import { EngineError, ShapeError, UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer, KerasModel } from '../../../src/formats/keras-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { ActivationKind, F32_MAX, type Activation, type Graph } from '../../../src/graph/ir.ts';
import { inferShapes } from '../../../src/compile/shapes.ts';
import { executeReference } from '../../../src/reference/execute.ts';

const w = (name: string, n: number, fill = 1): { name: string; shape: number[]; data: Float32Array } => ({
  name,
  shape: [n],
  data: new Float32Array(n).fill(fill),
});

/** A Sequential-style chain: input → layers in order (each layer takes the previous output). */
function chain(inputShape: (number | null)[], layers: Omit<KerasLayer, 'inbound'>[], kerasVersion = '3.5.0'): Graph {
  const withInbound: KerasLayer[] = layers.map((l, i) => ({
    ...l,
    inbound: [[{ layer: i === 0 ? 'input' : layers[i - 1].name, nodeIndex: 0, tensorIndex: 0 }]],
  }));
  const model: KerasModel = {
    name: 'm',
    className: 'Functional',
    layers: [{ name: 'input', className: 'InputLayer', config: {}, inbound: [], weights: [] }, ...withInbound],
    inputs: [{ layer: 'input', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: layers[layers.length - 1].name, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [inputShape],
    kerasVersion,
    format: 'test',
  };
  return buildGraph(model);
}

const layer = (className: string, config: Record<string, unknown> = {}, weights: KerasLayer['weights'] = []): Omit<KerasLayer, 'inbound'> => ({
  name: `l_${className.toLowerCase()}`,
  className,
  config,
  weights,
});

const actOf = (g: Graph): Activation => g.nodes[0].attrs.activation as Activation;

describe('activation layers', () => {
  const cases: { name: string; layer: Omit<KerasLayer, 'inbound'>; version?: string; expect: Partial<Activation> }[] = [
    { name: 'ReLU default → relu', layer: layer('ReLU', { max_value: null, negative_slope: 0, threshold: 0 }), expect: { kind: ActivationKind.Relu } },
    { name: 'ReLU max 6 → relu6', layer: layer('ReLU', { max_value: 6 }), expect: { kind: ActivationKind.Relu6 } },
    {
      name: 'ReLU general',
      layer: layer('ReLU', { max_value: 2.5, negative_slope: 0.2, threshold: 0.3 }),
      expect: { kind: ActivationKind.ReluGeneral, alpha: 0.2, beta: 2.5, gamma: 0.3 },
    },
    { name: 'ReLU slope only: no max = F32_MAX', layer: layer('ReLU', { negative_slope: 0.1 }), expect: { kind: ActivationKind.ReluGeneral, alpha: 0.1, beta: F32_MAX, gamma: 0 } },
    { name: 'LeakyReLU Keras 3 negative_slope', layer: layer('LeakyReLU', { negative_slope: 0.2 }), expect: { kind: ActivationKind.LeakyRelu, alpha: 0.2 } },
    { name: 'LeakyReLU Keras 2 alpha', layer: layer('LeakyReLU', { alpha: 0.1 }), version: '2.15.0', expect: { kind: ActivationKind.LeakyRelu, alpha: 0.1 } },
    { name: 'LeakyReLU default 0.3', layer: layer('LeakyReLU', {}), expect: { kind: ActivationKind.LeakyRelu, alpha: 0.3 } },
    { name: 'ELU default alpha 1', layer: layer('ELU', {}), expect: { kind: ActivationKind.Elu, alpha: 1 } },
    { name: 'ELU alpha 0.5', layer: layer('ELU', { alpha: 0.5 }), expect: { kind: ActivationKind.Elu, alpha: 0.5 } },
    { name: "Activation('gelu')", layer: layer('Activation', { activation: 'gelu' }), expect: { kind: ActivationKind.Gelu } },
    { name: "Activation('hard_sigmoid') Keras 2", layer: layer('Activation', { activation: 'hard_sigmoid' }), version: '2.15.0', expect: { kind: ActivationKind.HardSigmoidKeras2 } },
    { name: "Activation('hard_sigmoid') Keras 3", layer: layer('Activation', { activation: 'hard_sigmoid' }), expect: { kind: ActivationKind.HardSigmoidKeras3 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const g = chain([null, 4], [c.layer], c.version);
      expect(g.nodes[0].op).toBe('activation');
      expect(actOf(g)).toMatchObject(c.expect);
    });
  }

  it("Activation('softmax') and the Softmax layer become softmax nodes", () => {
    expect(chain([null, 4], [layer('Activation', { activation: 'softmax' })]).nodes[0]).toMatchObject({ op: 'softmax', attrs: { axis: -1 } });
    expect(chain([null, 3, 4], [layer('Softmax', { axis: 1 })]).nodes[0]).toMatchObject({ op: 'softmax', attrs: { axis: 1 } });
    expect(chain([null, 4], [layer('Softmax', {})]).nodes[0]).toMatchObject({ op: 'softmax', attrs: { axis: -1 } });
  });

  it("Activation('linear') is a zero-copy identity", () => {
    expect(chain([null, 4], [layer('Activation', { activation: 'linear' })]).nodes[0].op).toBe('identity');
  });

  it('unknown activation names are reported with the layer', () => {
    expect(() => chain([null, 4], [layer('Activation', { activation: 'bogus' })])).toThrow(UnsupportedLayerError);
  });
});

describe('BatchNormalization import', () => {
  it('takes gamma, beta, moving_mean, moving_variance in Keras order', () => {
    const g = chain([null, 3], [layer('BatchNormalization', { axis: -1, epsilon: 0.01 }, [w('gamma', 3), w('beta', 3), w('moving_mean', 3), w('moving_variance', 3)])]);
    expect(g.nodes[0].weights.map((x) => x.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(g.nodes[0].attrs.epsilon).toBe(0.01);
  });

  it('omits gamma/beta when scale/center are off; Keras 2 axis [3] of a rank-4 input', () => {
    const g = chain([null, 5, 5, 2], [layer('BatchNormalization', { axis: [3], scale: false, center: false }, [w('moving_mean', 2), w('moving_variance', 2)])], '2.15.0');
    expect(g.nodes[0].weights.map((x) => x.name)).toEqual(['moving_mean', 'moving_variance']);
    expect(inferShapes(g, [[1, 5, 5, 2]]).get(g.outputs[0])).toEqual([1, 5, 5, 2]);
  });

  it('rejects a non-channel axis clearly', () => {
    const weights = [w('gamma', 5), w('beta', 5), w('moving_mean', 5), w('moving_variance', 5)];
    const g = chain([null, 5, 5, 2], [layer('BatchNormalization', { axis: 1 }, weights)]);
    expect(() => inferShapes(g, [[1, 5, 5, 2]])).toThrow(/only the last \(channel\) axis/);
    expect(() => chain([null, 5, 5, 2], [layer('BatchNormalization', { axis: -2 }, weights)])).toThrow(UnsupportedLayerError);
  });

  it('computes the inference formula', () => {
    const g = chain([null, 2], [layer('BatchNormalization', { epsilon: 0 }, [w('gamma', 2, 2), w('beta', 2, 1), w('moving_mean', 2, 3), w('moving_variance', 2, 4)])]);
    const out = executeReference(g, [{ shape: [1, 2], data: Float32Array.from([5, 1]) }]).outputs[0];
    expect([...out.data]).toEqual([2 * (5 - 3) / 2 + 1, 2 * (1 - 3) / 2 + 1]);
  });
});

describe('Rescaling, Flatten, Reshape, identities', () => {
  it('Rescaling scalar and per-channel', () => {
    const g = chain([null, 3], [layer('Rescaling', { scale: [1, 2, 3], offset: 0.5 })]);
    const out = executeReference(g, [{ shape: [1, 3], data: Float32Array.from([1, 1, 1]) }]).outputs[0];
    expect([...out.data]).toEqual([1.5, 2.5, 3.5]);
    const bad = chain([null, 4], [layer('Rescaling', { scale: [1, 2, 3] })]);
    expect(() => inferShapes(bad, [[1, 4]])).toThrow(ShapeError);
  });

  it('Reshape infers one -1 and reports impossible targets', () => {
    const g = chain([null, 4, 6], [layer('Reshape', { target_shape: [3, -1] })]);
    expect(inferShapes(g, [[2, 4, 6]]).get(g.outputs[0])).toEqual([2, 3, 8]);
    const bad = chain([null, 4, 6], [layer('Reshape', { target_shape: [5, -1] })]);
    expect(() => inferShapes(bad, [[2, 4, 6]])).toThrow(/Reshape/);
    expect(() => chain([null, 4], [layer('Reshape', { target_shape: [-1, -1] })])).toThrow(UnsupportedLayerError);
  });

  it('Flatten is channels-last only', () => {
    const g = chain([null, 2, 3, 4], [layer('Flatten', { data_format: 'channels_last' })]);
    expect(inferShapes(g, [[2, 2, 3, 4]]).get(g.outputs[0])).toEqual([2, 24]);
    expect(() => chain([null, 2, 3, 4], [layer('Flatten', { data_format: 'channels_first' })])).toThrow(UnsupportedLayerError);
  });

  it('dropout-like layers are identities', () => {
    for (const cls of ['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']) {
      expect(chain([null, 3], [layer(cls, { rate: 0.5 })]).nodes[0].op, cls).toBe('identity');
    }
  });
});

describe('merges and concatenate: shape rules', () => {
  /** Two inputs feeding one layer. */
  function twoInputs(shapes: (number | null)[][], l: Omit<KerasLayer, 'inbound'>): Graph {
    const model: KerasModel = {
      name: 'm',
      className: 'Functional',
      layers: [
        ...shapes.map((_, i) => ({ name: `in${i}`, className: 'InputLayer', config: {}, inbound: [], weights: [] })),
        { ...l, inbound: [shapes.map((_, i) => ({ layer: `in${i}`, nodeIndex: 0, tensorIndex: 0 }))] },
      ],
      inputs: shapes.map((_, i) => ({ layer: `in${i}`, nodeIndex: 0, tensorIndex: 0 })),
      outputs: [{ layer: l.name, nodeIndex: 0, tensorIndex: 0 }],
      inputShapes: shapes,
      kerasVersion: '3.5.0',
      format: 'test',
    };
    return buildGraph(model);
  }

  it('broadcasts squeeze-and-excitation shapes', () => {
    const g = twoInputs([[null, 4, 4, 8], [null, 1, 1, 8]], layer('Multiply'));
    expect(g.nodes[0]).toMatchObject({ op: 'merge', attrs: { kind: 'multiply' } });
    expect(inferShapes(g, [[2, 4, 4, 8], [2, 1, 1, 8]]).get(g.outputs[0])).toEqual([2, 4, 4, 8]);
  });

  it('reports incompatible merge shapes and Subtract arity', () => {
    const g = twoInputs([[null, 4, 3], [null, 5, 3]], layer('Add'));
    expect(() => inferShapes(g, [[1, 4, 3], [1, 5, 3]])).toThrow(/cannot broadcast/);
    const three = twoInputs([[null, 3], [null, 3], [null, 3]], layer('Subtract'));
    expect(() => inferShapes(three, [[1, 3], [1, 3], [1, 3]])).toThrow(/exactly 2/);
  });

  it('concatenates along the axis and checks the others', () => {
    const g = twoInputs([[null, 4, 3], [null, 4, 5]], layer('Concatenate', { axis: -1 }));
    expect(inferShapes(g, [[2, 4, 3], [2, 4, 5]]).get(g.outputs[0])).toEqual([2, 4, 8]);
    const bad = twoInputs([[null, 4, 3], [null, 5, 3]], layer('Concatenate', { axis: -1 }));
    expect(() => inferShapes(bad, [[2, 4, 3], [2, 5, 3]])).toThrow(/differ outside the concatenation axis/);
  });

  it('every failure is an EngineError', () => {
    const g = twoInputs([[null, 4, 3], [null, 5, 3]], layer('Maximum'));
    expect(() => inferShapes(g, [[1, 4, 3], [1, 5, 3]])).toThrow(EngineError);
  });
});
