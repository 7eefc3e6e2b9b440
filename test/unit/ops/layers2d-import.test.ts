/**
 * The 2-D layers through the Keras import path, Node tier, on the real-Keras fixtures made by
 * scripts/keras_refs/layers_2d.py: every layer's inferred output shape equals Keras' (layers.json),
 * the whole graph run by the CPU references equals model.predict (so the references, which define
 * correct for the GPU tests, are themselves checked against Keras), and unsupported options are
 * rejected naming the layer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer, KerasModel } from '../../../src/formats/keras-model.ts';
import { parseNpy } from '../../../src/formats/npy.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { inferShapes } from '../../../src/compile/shapes.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { repoRoot } from '../../util/fixtures.ts';

const MODELS = ['depthwise_separable', 'upsampling_transpose', 'norm_layers'];
const dir = (m: string): string => join(repoRoot, 'test/fixtures/keras', m);

interface LayersJson {
  outputs: string[];
  layers: { name: string; class: string; output_shape: (number | null)[] }[];
}

describe('2-D layer fixtures: shapes and CPU references vs real Keras', () => {
  for (const m of MODELS) {
    it(`${m}: every layer's output shape is Keras'; references (raw and optimised graph) give model.predict`, async () => {
      const info = JSON.parse(readFileSync(join(dir(m), 'layers.json'), 'utf8')) as LayersJson;
      const graph = buildGraph(await readKerasModel(new Uint8Array(readFileSync(join(dir(m), 'model.keras')))));
      const input = parseNpy(readFileSync(join(dir(m), 'input.npy')));
      const shapes = inferShapes(graph, [input.shape]);
      for (const l of info.layers) {
        if (l.class === 'InputLayer') continue;
        expect([l.name, shapes.get(`${l.name}:0:0`)]).toEqual([l.name, [2, ...l.output_shape.slice(1)]]);
      }
      for (const g of [graph, optimizeGraph(graph)]) {
        const { outputs } = executeReference(g, [input]);
        info.outputs.forEach((f, i) => expectTensorsClose(outputs[i], parseNpy(readFileSync(join(dir(m), f))), { atol: 1e-5, rtol: 1e-4 }, `${m}/${f}`));
      }
    });
  }
});

function chain(inputShape: (number | null)[], layer: Omit<KerasLayer, 'inbound'>): KerasModel {
  return {
    name: 'm',
    className: 'Functional',
    layers: [
      { name: 'input', className: 'InputLayer', config: {}, inbound: [], weights: [] },
      { ...layer, inbound: [[{ layer: 'input', nodeIndex: 0, tensorIndex: 0 }]] },
    ],
    inputs: [{ layer: 'input', nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: layer.name, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [inputShape],
    kerasVersion: '3.15.1',
    format: 'test',
  };
}

const w = (name: string, shape: number[]) => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

describe('2-D layers reject what they do not implement, naming the layer', () => {
  const rejected: { cls: string; config: Record<string, unknown>; weights?: ReturnType<typeof w>[]; why: RegExp }[] = [
    { cls: 'DepthwiseConv2D', config: { kernel_size: 3, data_format: 'channels_first' }, weights: [w('kernel', [3, 3, 3, 1])], why: /channels_first/ },
    { cls: 'SeparableConv2D', config: { filters: 4, kernel_size: 3, data_format: 'channels_first' }, weights: [w('depthwise_kernel', [3, 3, 3, 1]), w('pointwise_kernel', [1, 1, 3, 4])], why: /channels_first/ },
    { cls: 'Conv2DTranspose', config: { filters: 4, kernel_size: 3, data_format: 'channels_first' }, weights: [w('kernel', [3, 3, 4, 3])], why: /channels_first/ },
    { cls: 'Conv2DTranspose', config: { filters: 4, kernel_size: 3, dilation_rate: 2 }, weights: [w('kernel', [3, 3, 4, 3])], why: /dilation_rate/ },
    { cls: 'ZeroPadding2D', config: { padding: 1, data_format: 'channels_first' }, why: /channels_first/ },
    { cls: 'Cropping2D', config: { cropping: 1, data_format: 'channels_first' }, why: /channels_first/ },
    { cls: 'UpSampling2D', config: { size: 2, interpolation: 'bicubic' }, why: /bicubic/ },
    { cls: 'Resizing', config: { height: 4, width: 4, pad_to_aspect_ratio: true }, why: /pad_to_aspect_ratio/ },
    { cls: 'Resizing', config: { height: 4, width: 4, data_format: 'channels_first' }, why: /channels_first/ },
    { cls: 'LayerNormalization', config: { axis: [1, 2] }, why: /axis/ },
    { cls: 'Normalization', config: { axis: [1, 2], mean: [0], variance: [1] }, why: /axis/ },
    { cls: 'Permute', config: { dims: [1, 2, 2] }, why: /dims/ },
  ];
  for (const r of rejected) {
    it(`${r.cls} ${JSON.stringify(r.config)}`, () => {
      const model = chain([null, 8, 8, 3], { name: 'bad_layer', className: r.cls, config: r.config, weights: r.weights ?? [] });
      expect(() => buildGraph(model)).toThrow(UnsupportedLayerError);
      expect(() => buildGraph(model)).toThrow(new RegExp(`bad_layer[\\s\\S]*${r.why.source}`));
    });
  }
});
