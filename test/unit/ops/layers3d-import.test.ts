/**
 * The 3-D layers through the Keras import path, Node tier: every class is registered, rejects
 * channels_first naming the layer, and infers Keras' output shapes; BatchNormalization on a 5-D
 * tensor folds into the Conv3D before it (and the folded graph computes the same thing).
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer, KerasModel } from '../../../src/formats/keras-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { inferShapes } from '../../../src/compile/shapes.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

function chain(inputShape: (number | null)[], layers: Omit<KerasLayer, 'inbound'>[]): KerasModel {
  return {
    name: 'm',
    className: 'Functional',
    layers: [
      { name: 'input', className: 'InputLayer', config: {}, inbound: [], weights: [] },
      ...layers.map((l, i) => ({ ...l, inbound: [[{ layer: i === 0 ? 'input' : layers[i - 1].name, nodeIndex: 0, tensorIndex: 0 }]] })),
    ],
    inputs: [{ layer: 'input', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: layers[layers.length - 1].name, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [inputShape],
    kerasVersion: '3.5.0',
    format: 'test',
  };
}

const w = (name: string, shape: number[], seed: number, lo = -0.5, hi = 0.5) => ({ name, shape, data: randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi) });

/** Each 3-D class with a config, its weights, and the output shape for a [2, 7, 9, 11, 3] input (Keras' own). */
const layers: { cls: string; config: Record<string, unknown>; weights?: ReturnType<typeof w>[]; out: number[] }[] = [
  { cls: 'Conv3D', config: { filters: 5, kernel_size: 3, strides: 2, padding: 'same' }, weights: [w('kernel', [3, 3, 3, 3, 5], 1), w('bias', [5], 2)], out: [2, 4, 5, 6, 5] },
  { cls: 'Conv3DTranspose', config: { filters: 4, kernel_size: 2, strides: 2, padding: 'valid' }, weights: [w('kernel', [2, 2, 2, 4, 3], 3), w('bias', [4], 4)], out: [2, 14, 18, 22, 4] },
  { cls: 'MaxPooling3D', config: { pool_size: 2 }, out: [2, 3, 4, 5, 3] },
  { cls: 'AveragePooling3D', config: { pool_size: 3, strides: 2, padding: 'same' }, out: [2, 4, 5, 6, 3] },
  { cls: 'GlobalAveragePooling3D', config: {}, out: [2, 3] },
  { cls: 'GlobalMaxPooling3D', config: { keepdims: true }, out: [2, 1, 1, 1, 3] },
  { cls: 'UpSampling3D', config: { size: [2, 1, 3] }, out: [2, 14, 9, 33, 3] },
  { cls: 'ZeroPadding3D', config: { padding: [[1, 0], 2, [0, 3]] }, out: [2, 8, 13, 14, 3] },
  { cls: 'Cropping3D', config: { cropping: [[1, 0], 2, [0, 3]] }, out: [2, 6, 5, 8, 3] },
];

describe('3-D layers from Keras', () => {
  for (const l of layers) {
    it(`${l.cls}: output shape as Keras`, () => {
      const g = buildGraph(chain([null, 7, 9, 11, 3], [{ name: 'l3d', className: l.cls, config: l.config, weights: l.weights ?? [] }]));
      expect(inferShapes(g, [[2, 7, 9, 11, 3]]).get(g.outputs[0])).toEqual(l.out);
    });

    it(`${l.cls}: channels_first is rejected naming the layer`, () => {
      const model = chain([null, 3, 7, 9, 11], [{ name: 'cf_layer', className: l.cls, config: { ...l.config, data_format: 'channels_first' }, weights: l.weights ?? [] }]);
      expect(() => buildGraph(model)).toThrow(UnsupportedLayerError);
      expect(() => buildGraph(model)).toThrow(/cf_layer.*channels_first/);
    });
  }

  it('BatchNormalization on 5-D folds into the Conv3D before it, same answer', () => {
    const bn = [w('gamma', [4], 10, 0.5, 1.5), w('beta', [4], 11), w('moving_mean', [4], 12), w('moving_variance', [4], 13, 0.2, 2)];
    const g = buildGraph(
      chain([null, 5, 6, 7, 2], [
        { name: 'c', className: 'Conv3D', config: { filters: 4, kernel_size: 3, padding: 'same' }, weights: [w('kernel', [3, 3, 3, 2, 4], 14), w('bias', [4], 15)] },
        { name: 'bn', className: 'BatchNormalization', config: { axis: -1, epsilon: 1e-3 }, weights: bn },
        { name: 'act', className: 'Activation', config: { activation: 'relu' }, weights: [] },
      ]),
    );
    const folded = optimizeGraph(g);
    expect(folded.nodes.map((n) => n.op)).toEqual(['conv3d']);
    const x = randomTensor([1, 5, 6, 7, 2], 16);
    const a = executeReference(g, [x]).outputs[0];
    const b = executeReference(folded, [x]).outputs[0];
    for (let i = 0; i < a.data.length; i++) expect(Math.abs(a.data[i] - b.data[i])).toBeLessThan(1e-5);
  });
});
