/** Every way a model file can be wrong gives a typed error that says what and where. */
import { describe, expect, it } from 'vitest';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { ModelFetchError, ModelFormatError } from '../../../src/errors.ts';
import { fixtureBytes } from './helpers.ts';

const tfjsFiles = (model = 'sequential', variant = 'tfjs-f32') => {
  const json = JSON.parse(new TextDecoder().decode(fixtureBytes(model, `${variant}/model.json`)));
  const shards = new Map<string, Uint8Array<ArrayBuffer>>(
    json.weightsManifest[0].paths.map((p: string) => [p, fixtureBytes(model, `${variant}/${p}`)]),
  );
  return { json, shards };
};
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** A Keras 2 Sequential with one Dense(2) on 3 inputs, no InputLayer (shape on the first layer). */
const denseJson = (weights: object[], extra: object = {}) => ({
  format: 'layers-model',
  modelTopology: {
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, use_bias: true, batch_input_shape: [null, 3], ...extra } }] },
  },
  weightsManifest: [{ paths: ['w.bin'], weights }],
});
const KERNEL = { name: 'd/kernel', shape: [3, 2], dtype: 'float32' };
const BIAS = { name: 'd/bias', shape: [2], dtype: 'float32' };
const f32 = (n: number) => new Uint8Array(Float32Array.from({ length: n }, (_, i) => i).buffer);

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the read to fail');
}

describe('TF.js shards', () => {
  it('truncated shard: names the shard and both byte counts', async () => {
    const { json, shards } = tfjsFiles();
    const last = json.weightsManifest[0].paths[1];
    const full = shards.get(last)!;
    shards.set(last, full.subarray(0, full.length - 6));
    const e = await errorOf(readKerasModel({ modelJson: json, weights: [...shards.values()] }));
    expect(e).toBeInstanceOf(ModelFormatError);
    const need = fixtureBytes('sequential', 'tfjs-f32/group1-shard1of2.bin').length + full.length;
    expect(e.message).toContain(`"${last}"`);
    expect(e.message).toContain(`needs ${need} bytes`);
    expect(e.message).toContain(`hold ${need - 6} bytes`);
  });

  it('shard with extra bytes is a wrong byte count too', async () => {
    const { json, shards } = tfjsFiles();
    const first = json.weightsManifest[0].paths[0];
    shards.set(first, new Uint8Array([...shards.get(first)!, 1, 2, 3, 4]));
    const e = await errorOf(readKerasModel({ files: new Map([['model.json', enc(json)], ...shards]) }));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/needs \d+ bytes .* hold \d+ bytes/);
  });

  it('missing shard among files: ModelFetchError naming the shard', async () => {
    const { json, shards } = tfjsFiles();
    shards.delete('group1-shard2of2.bin');
    const e = await errorOf(readKerasModel({ files: new Map([['model.json', enc(json)], ...shards]) }));
    expect(e).toBeInstanceOf(ModelFetchError);
    expect(e.message).toContain('group1-shard2of2.bin');
  });

  it('missing shard on a server: ModelFetchError naming the URL and HTTP status', async () => {
    const { json, shards } = tfjsFiles();
    const fetch = (async (url: string) => {
      if (url.endsWith('model.json')) return new Response(enc(json));
      const name = url.slice(url.lastIndexOf('/') + 1);
      if (name === 'group1-shard2of2.bin') return new Response('nope', { status: 404, statusText: 'Not Found' });
      return new Response(shards.get(name)!);
    }) as typeof globalThis.fetch;
    const e = await errorOf(readKerasModel('https://example.org/m/model.json', { fetch }));
    expect(e).toBeInstanceOf(ModelFetchError);
    expect(e.message).toContain('https://example.org/m/group1-shard2of2.bin');
    expect(e.message).toContain('404');
  });

  it('model.json given as bytes alone: says the shards are needed', async () => {
    const e = await errorOf(readKerasModel(fixtureBytes('sequential', 'tfjs-f32/model.json')));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/weight shard "group1-shard1of2.bin".*not given/);
  });

  it('wrong number of weight buffers for { modelJson, weights }', async () => {
    const { json, shards } = tfjsFiles();
    const e = await errorOf(readKerasModel({ modelJson: json, weights: [shards.get('group1-shard1of2.bin')!] }));
    expect(e.message).toMatch(/lists 2 weight shard\(s\).*1 weight buffer/);
  });
});

describe('weights that do not fit their layer', () => {
  it('a missing weight names the layer and the weight', async () => {
    const e = await errorOf(readKerasModel({ modelJson: denseJson([KERNEL]), weights: [f32(6)] }));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/Layer "d" \(Dense\) is missing weight\(s\) "bias"/);
  });

  it('a weight whose size does not fit the config names the layer and the weight', async () => {
    const bias3 = { ...BIAS, shape: [3] };
    const e = await errorOf(readKerasModel({ modelJson: denseJson([KERNEL, bias3]), weights: [f32(9)] }));
    expect(e.message).toMatch(/Layer "d" \(Dense\) weight "bias" has shape \[3\]/);
  });

  it('a kernel of the wrong output size is refused', async () => {
    const kernel = { ...KERNEL, shape: [2, 3] };
    const e = await errorOf(readKerasModel({ modelJson: denseJson([kernel, BIAS]), weights: [f32(8)] }));
    expect(e.message).toMatch(/"kernel" has shape \[2, 3\]/);
  });

  it('a weight that belongs to no layer is refused', async () => {
    const stray = { name: 'ghost/kernel', shape: [1], dtype: 'float32' };
    const e = await errorOf(readKerasModel({ modelJson: denseJson([KERNEL, BIAS, stray]), weights: [f32(9)] }));
    expect(e.message).toMatch(/"ghost\/kernel" belongs to no layer/);
  });

  it('weights-only h5 with the architecture of another model', async () => {
    const e = await errorOf(
      readKerasModel({ files: new Map([['w.h5', fixtureBytes('sequential', 'weights.h5')], ['a.json', fixtureBytes('functional', 'arch.json')]]) }),
    );
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/weights for layer "\w+", which the model architecture does not have/);
  });

  it('weights-only h5 without architecture says what to pass', async () => {
    const e = await errorOf(readKerasModel(fixtureBytes('sequential', 'weights.h5')));
    expect(e.message).toMatch(/holds only weights.*model\.to_json\(\)/);
  });
});

describe('dtypes', () => {
  it('int32 tfjs weights are converted; bool/string/complex are refused', async () => {
    const ints = denseJson([{ ...KERNEL, dtype: 'int32' }, { ...BIAS, dtype: 'int32' }]);
    const bytes = new Uint8Array(Int32Array.from([1, -2, 3, 4, 5, 6, 7, -8]).buffer);
    const km = await readKerasModel({ modelJson: ints, weights: [bytes] });
    expect(Array.from(km.layers[1].weights[1].data)).toEqual([7, -8]);
    for (const dtype of ['bool', 'string', 'complex64']) {
      const e = await errorOf(readKerasModel({ modelJson: denseJson([{ ...KERNEL, dtype }, BIAS]), weights: [f32(8)] }));
      expect(e).toBeInstanceOf(ModelFormatError);
      expect(e.message).toContain(`dtype "${dtype}"`);
    }
  });

  it('uint16 affine de-quantization: q*scale + min', async () => {
    const q = { dtype: 'uint16', scale: 0.5, min: -1 };
    const json = denseJson([{ ...KERNEL, quantization: q }, { ...BIAS, quantization: q }]);
    const km = await readKerasModel({ modelJson: json, weights: [new Uint8Array(Uint16Array.from([0, 1, 2, 3, 4, 65535, 10, 20]).buffer)] });
    expect(Array.from(km.layers[1].weights[0].data)).toEqual([-1, -0.5, 0, 0.5, 1, 32766.5]);
    expect(Array.from(km.layers[1].weights[1].data)).toEqual([4, 9]);
  });

  it('an int32 dataset in an .h5 is refused, naming layer and weight', async () => {
    const e = await errorOf(
      readKerasModel(fixtureBytes('sequential', 'bad-int-kernel-weights.h5'), { architecture: new TextDecoder().decode(fixtureBytes('sequential', 'arch.json')) }),
    );
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/layer "c1" weight ".*kernel".*dtype "<i4".*only float/);
  });
});

describe('files that are not (whole) models', () => {
  const cut = (b: Uint8Array, frac: number) => b.subarray(0, Math.floor(b.length * frac));

  it.each([0.1, 0.5, 0.9])('truncated .h5 (%s of it): ModelFormatError, not a jsfive crash', async (frac) => {
    const e = await errorOf(readKerasModel(cut(fixtureBytes('functional', 'model.h5'), frac)));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/HDF5|h5/);
  });

  it('corrupted .h5 (bytes overwritten): ModelFormatError', async () => {
    const b = new Uint8Array(fixtureBytes('functional', 'model.h5'));
    for (let i = 2000; i < b.length; i += 97) b[i] ^= 0xa5;
    const e = await errorOf(readKerasModel(b));
    expect(e).toBeInstanceOf(ModelFormatError);
  });

  it.each([0.3, 0.7, 0.99])('truncated .keras (%s of it): ModelFormatError', async (frac) => {
    const e = await errorOf(readKerasModel(cut(fixtureBytes('functional', 'model.keras'), frac)));
    expect(e).toBeInstanceOf(ModelFormatError);
  });

  it('a zip that is not a .keras file', async () => {
    const { zipSync } = await import('fflate');
    const e = await errorOf(readKerasModel(zipSync({ 'readme.txt': new TextEncoder().encode('hi') })));
    expect(e.message).toMatch(/not a Keras 3 \.keras file \(no config\.json/);
  });

  it('a PNG: says it is an image and lists the accepted formats', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const e = await errorOf(readKerasModel(png));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(/PNG image.*model\.json.*\.h5.*\.keras/);
  });

  it('random bytes and empty input', async () => {
    const rnd = Uint8Array.from({ length: 256 }, (_, i) => (i * 73 + 11) & 255);
    expect(await errorOf(readKerasModel(rnd))).toBeInstanceOf(ModelFormatError);
    expect((await errorOf(readKerasModel(new Uint8Array(0)))).message).toMatch(/empty/);
  });

  it('JSON that is not a Keras model', async () => {
    expect((await errorOf(readKerasModel(enc({ hello: 'world' })))).message).toMatch(/JSON but not a Keras model/);
    const layer = { modelTopology: { class_name: 'Conv2D', config: {} }, weightsManifest: [] };
    expect((await errorOf(readKerasModel({ modelJson: layer, weights: [] }))).message).toMatch(/describes a "Conv2D", not a Keras model/);
    const graph = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] };
    expect((await errorOf(readKerasModel({ modelJson: graph, weights: [] }))).message).toMatch(/graph\* model/);
    expect((await errorOf(readKerasModel(new TextEncoder().encode('{"broken": ')))).message).toMatch(/is not valid JSON: the text ends early/);
  });

  it('a model config whose layers reference unknown layers', async () => {
    const cfg = {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [{ class_name: 'Dense', name: 'd', config: { name: 'd', units: 1 }, inbound_nodes: [[['nowhere', 0, 0, {}]]] }],
        input_layers: [['d', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    };
    const e = await errorOf(readKerasModel({ modelJson: { modelTopology: cfg, weightsManifest: [] }, weights: [] }));
    expect(e.message).toMatch(/"d" takes input from unknown layer "nowhere"/);
  });

  it('a Sequential without any input shape', async () => {
    const json = denseJson([KERNEL, BIAS], { batch_input_shape: undefined });
    const e = await errorOf(readKerasModel({ modelJson: json, weights: [f32(8)] }));
    expect(e.message).toMatch(/declares no shape for input "d_input"/);
  });
});
