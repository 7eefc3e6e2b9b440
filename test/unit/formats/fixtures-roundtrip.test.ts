/**
 * Every format of our Keras-3-made fixtures (scripts/make_format_fixtures.py) must give the same
 * KerasModel: same layers and wiring, and every weight on the right layer in Keras order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';
import type { KerasModel } from '../../../src/formats/keras-model.ts';
import { FORMATS_DIR, expectWeightsMatch, expectedOf, fixtureBytes, topologyOf, type ExpectedWeight } from './helpers.ts';

const KERAS3 = '3.15.1';
const u8Tol = (w: ExpectedWeight) => {
  const lo = Math.min(...w.values.map(Math.fround));
  const hi = Math.max(...w.values.map(Math.fround));
  return (hi - lo) / 255 / 2 + 1e-6; // half a quantization step
};
const f16Tol = (w: ExpectedWeight) => Math.max(...w.values.map(Math.abs)) * 2 ** -11 + 1e-7;

interface Case {
  label: string;
  format: string;
  version: string;
  read: (model: string) => Promise<KerasModel>;
  tol?: (w: ExpectedWeight) => number;
  tfjs?: boolean;
}

const CASES: Case[] = [
  { label: '.keras (bytes)', format: 'keras3-keras', version: KERAS3, read: (m) => readKerasModel(fixtureBytes(m, 'model.keras')) },
  { label: 'Keras 3 legacy .h5 (ArrayBuffer)', format: 'keras3-legacy-h5', version: KERAS3, read: (m) => readKerasModel(fixtureBytes(m, 'model.h5').slice().buffer) },
  {
    label: 'weights-only .h5 + architecture JSON (files)',
    format: 'keras-weights-h5',
    version: KERAS3,
    read: (m) => readKerasModel({ files: new Map([['w.h5', fixtureBytes(m, 'weights.h5')], ['arch.json', fixtureBytes(m, 'arch.json')]]) }),
  },
  {
    label: 'weights-only .h5 + options.architecture',
    format: 'keras-weights-h5',
    version: KERAS3,
    read: (m) => readKerasModel(fixtureBytes(m, 'weights.h5'), { architecture: new TextDecoder().decode(fixtureBytes(m, 'arch.json')) }),
  },
  {
    label: 'Keras 3 model.weights.h5 + architecture JSON (files)',
    format: 'keras3-weights-h5',
    version: '3',
    read: (m) => readKerasModel({ files: new Map([['model.weights.h5', fixtureBytes(m, 'model.weights.h5')], ['arch.json', fixtureBytes(m, 'arch.json')]]) }),
  },
  { label: 'tfjs float32, 2 shards (node files)', format: 'tfjs-layers', version: '2.15.0', tfjs: true, read: async (m) => readKerasModel(await readModelFiles(join(FORMATS_DIR, m, 'tfjs-f32', 'model.json'))) },
  { label: 'tfjs uint8-quantized', format: 'tfjs-layers', version: '2.15.0', tfjs: true, tol: u8Tol, read: async (m) => readKerasModel(await readModelFiles(join(FORMATS_DIR, m, 'tfjs-u8'))) },
  { label: 'tfjs float16', format: 'tfjs-layers', version: '2.15.0', tfjs: true, tol: f16Tol, read: async (m) => readKerasModel(await readModelFiles(join(FORMATS_DIR, m, 'tfjs-f16', 'model.json'))) },
];

for (const model of ['sequential', 'functional', 'nested']) {
  describe(`fixture model "${model}"`, () => {
    const exp = expectedOf(model);
    let reference: ReturnType<typeof topologyOf> | undefined;
    for (const c of CASES) {
      if (c.tfjs && model === 'nested') continue; // tfjs fixtures exist for the flat models only
      it(`${c.label}: weights on the right layers, same topology as .keras`, async () => {
        const km = await c.read(model);
        expect(km.format).toBe(c.format);
        expect(km.kerasVersion).toBe(c.version);
        expect(km.name).toBe(exp.name);
        expect(km.inputShapes).toEqual(exp.inputShapes);
        expectWeightsMatch(km, exp, c.tol);
        reference ??= topologyOf(await CASES[0].read(model));
        expect(topologyOf(km)).toEqual(reference);
      });
    }
  });
}

describe('.keras variants', () => {
  it('tf.keras 2.13-2.15 weights layout (_layer_checkpoint_dependencies, doubled counters)', async () => {
    const km = await readKerasModel(fixtureBytes('functional', 'tf-keras-2.15-layout.keras'));
    expect(km.kerasVersion).toBe('2.15.0');
    expectWeightsMatch(km, expectedOf('functional'));
    expect(km.layers.find((l) => l.name === 'dw')!.weights[0].name).toBe('depthwise_kernel');
  });

  it('a weight group that no layer claims is an error, not ignored', async () => {
    await expect(readKerasModel(fixtureBytes('functional', 'bad-extra-vars.keras'))).rejects.toThrow(
      /weights that no layer of the model config takes \(layers\/dense_9\/vars\)/,
    );
  });
});

describe('topology details', () => {
  it('Sequential becomes a chain starting at its InputLayer', async () => {
    const km = await readKerasModel(fixtureBytes('sequential', 'model.keras'));
    expect(km.className).toBe('Sequential');
    expect(km.layers.map((l) => l.name)).toEqual(['seq_in', 'c1', 'bn', 'pool', 'c2', 'flat', 'drop', 'd1', 'd2']);
    km.layers.slice(1).forEach((l, i) => expect(l.inbound).toEqual([[{ layer: km.layers[i].name, nodeIndex: 0, tensorIndex: 0 }]]));
    expect(km.inputs).toEqual([{ layer: 'seq_in', nodeIndex: 0, tensorIndex: 0 }]);
    expect(km.outputs).toEqual([{ layer: 'd2', nodeIndex: 0, tensorIndex: 0 }]);
  });

  it('Functional: two inputs, merges take lists, a shared layer has two calls', async () => {
    const km = await readKerasModel(fixtureBytes('functional', 'model.keras'));
    const ref = (layer: string, nodeIndex = 0) => ({ layer, nodeIndex, tensorIndex: 0 });
    const inbound = (n: string) => km.layers.find((l) => l.name === n)!.inbound;
    expect(km.inputs).toEqual([ref('img'), ref('meta')]);
    expect(inbound('add')).toEqual([[ref('conv_a'), ref('conv_b')]]);
    expect(inbound('shared')).toEqual([[ref('dw')], [ref('conv_a')]]);
    expect(inbound('mul')).toEqual([[ref('shared', 0), ref('shared', 1)]]);
    expect(inbound('cat')).toEqual([[ref('gap'), ref('meta_dense')]]);
  });

  it('Keras 3 config quirks are normalised (dtype policy, batch_shape, activation)', async () => {
    const km = await readKerasModel(fixtureBytes('functional', 'model.keras'));
    const conv = km.layers.find((l) => l.name === 'conv_a')!;
    expect(conv.config.dtype).toBe('float32');
    expect(conv.config.activation).toBe('relu');
    expect(km.layers.find((l) => l.name === 'img')!.config.batch_input_shape).toEqual([null, 5, 5, 2]);
  });

  it('nested models are flattened: inner inputs vanish, the outer input feeds the backbone', async () => {
    const km = await readKerasModel(fixtureBytes('nested', 'model.keras'));
    const ref = (layer: string) => [[{ layer, nodeIndex: 0, tensorIndex: 0 }]];
    expect(km.layers.map((l) => l.name)).toEqual(['outer_in', 'bb_conv', 'bb_bn', 'bb_relu', 'conv_after', 'gap', 'h1', 'h2']);
    const inbound = (n: string) => km.layers.find((l) => l.name === n)!.inbound;
    expect(inbound('bb_conv')).toEqual(ref('outer_in'));
    expect(inbound('conv_after')).toEqual(ref('bb_relu'));
    expect(inbound('h1')).toEqual(ref('gap'));
    expect(km.outputs).toEqual([{ layer: 'h2', nodeIndex: 0, tensorIndex: 0 }]);
  });
});
