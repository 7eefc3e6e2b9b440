import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasModel } from '../../../src/formats/keras-model.ts';

function model(layers: KerasModel['layers']): KerasModel {
  return {
    name: 'm',
    className: 'Functional',
    layers: [{ name: 'inp', className: 'InputLayer', config: {}, inbound: [], weights: [] }, ...layers],
    inputs: [{ layer: 'inp', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: layers[layers.length - 1].name, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [[null, 4]],
    kerasVersion: '3.5.0',
    format: 'test',
  };
}

const dense = (name: string, from: string, activation = 'relu') => ({
  name,
  className: 'Dense',
  config: { units: 2, activation, use_bias: true },
  inbound: [[{ layer: from, nodeIndex: 0, tensorIndex: 0 }]],
  weights: [
    { name: 'kernel', shape: [4, 2], data: new Float32Array(8) },
    { name: 'bias', shape: [2], data: new Float32Array(2) },
  ],
});

describe('buildGraph', () => {
  it('names an unsupported layer and its class at load time', () => {
    const m = model([{ name: 'my_weird_layer', className: 'FancyCapsule', config: {}, inbound: [[{ layer: 'inp', nodeIndex: 0, tensorIndex: 0 }]], weights: [] }]);
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
    expect(() => buildGraph(m)).toThrow(/"my_weird_layer" \(FancyCapsule\)/);
  });

  it('splits Dense(activation=softmax) into dense + softmax nodes', () => {
    const g = buildGraph(model([dense('probs', 'inp', 'softmax')]));
    expect(g.nodes.map((n) => n.op)).toEqual(['dense', 'softmax']);
    expect(g.outputs).toEqual([g.nodes[1].output]);
  });

  it('reports a layer that takes a tensor no layer produces', () => {
    expect(() => buildGraph(model([dense('d', 'ghost')]))).toThrow(/ghost/);
  });

  it('rejects an unknown activation naming the layer', () => {
    expect(() => buildGraph(model([dense('d', 'inp', 'frobnicate')]))).toThrow(/"d" \(Dense\).*frobnicate/);
  });
});
