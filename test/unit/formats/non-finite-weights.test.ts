/**
 * A NaN or ±Infinity weight is refused at load, for every reader: each fixture format is read from
 * memory with one float of one weight overwritten, and buildGraph (the one place all readers' weights
 * pass through) must throw NonFiniteError naming the layer, the weight, the flat index and the
 * value. Also: what the scan costs on 96 MB (the seed network's weights), printed for the record.
 */
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NonFiniteError } from '../../../src/errors.ts';
import { readKerasModel, type ModelSource } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { firstNonFinite } from '../../../src/non-finite.ts';
import { fixtureBytes } from './helpers.ts';

const f32Bytes = (v: number): Uint8Array => new Uint8Array(Float32Array.of(v).buffer);

/** Loads a source and returns what buildGraph throws (or undefined when it loads). */
async function loadError(source: ModelSource, architecture?: unknown): Promise<unknown> {
  try {
    buildGraph(await readKerasModel(source, { architecture }));
    return undefined;
  } catch (err) {
    return err;
  }
}

function expectRefused(err: unknown, layer: string, weight: string, index: number, value: number, of: number): void {
  expect(err).toBeInstanceOf(NonFiniteError);
  const e = err as NonFiniteError;
  expect(e.code).toBe('NON_FINITE');
  expect([e.layerName, e.weightName, e.index]).toEqual([layer, weight, index]);
  expect(Object.is(e.value, value)).toBe(true);
  const name = Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  expect(e.message).toContain(`Layer "${layer}" weight "${weight}" has ${name} at index ${index} (of ${of})`);
}

/** Byte offset of `at` (a float index) of the weight named `name` in a tfjs manifest's concatenated shards. */
function tfjsOffset(modelJson: { weightsManifest: { weights: { name: string; shape: number[]; quantization?: { dtype: string } }[] }[] }, name: string, at: number): number {
  let offset = 0;
  for (const w of modelJson.weightsManifest.flatMap((g) => g.weights)) {
    const bytes = w.quantization?.dtype === 'float16' ? 2 : w.quantization ? 1 : 4;
    if (w.name === name) return offset + at * bytes;
    offset += w.shape.reduce((a, b) => a * b, 1) * bytes;
  }
  throw new Error(`no weight ${name}`);
}

/** The fixture's tfjs bundle in memory with `bytes` written at `offset` of the concatenated shards. */
function tfjsBundle(model: string, dir: string, weight: string, at: number, bytes: (v: number) => Uint8Array, value: number) {
  const modelJson = JSON.parse(new TextDecoder().decode(fixtureBytes(model, `${dir}/model.json`)));
  const shards = modelJson.weightsManifest.flatMap((g: { paths: string[] }) => g.paths).map((p: string) => fixtureBytes(model, `${dir}/${p}`));
  const all = new Uint8Array(shards.reduce((n: number, s: Uint8Array) => n + s.length, 0));
  let o = 0;
  for (const s of shards) {
    all.set(s, o);
    o += s.length;
  }
  all.set(bytes(value), tfjsOffset(modelJson, weight, at));
  o = 0;
  const weights = shards.map((s: Uint8Array) => all.slice(o, (o += s.length)));
  return { modelJson, weights };
}

/** HDF5 bytes with float `at` of the weight (whose values are read from the unmodified file) set to `value`. */
async function patchedH5(bytes: Uint8Array, layer: string, weight: string, at: number, value: number, architecture?: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const km = await readKerasModel(bytes.slice(), { architecture });
  const data = km.layers.find((l) => l.name === layer)!.weights.find((w) => w.name === weight)!.data;
  const needle = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const hits: number[] = [];
  for (let i = 0; i + needle.length <= bytes.length; i++) {
    let j = 0;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) hits.push(i);
  }
  expect(hits, `${layer}/${weight} stored once, contiguous and uncompressed`).toHaveLength(1);
  const out = new Uint8Array(bytes);
  out.set(f32Bytes(value), hits[0] + 4 * at);
  return out;
}

describe('non-finite weights are refused at load (every reader)', () => {
  it('TF.js model.json bundle, float32 shards: NaN in conv kernel c2 (index 5 of 6)', async () => {
    const bundle = tfjsBundle('sequential', 'tfjs-f32', 'c2/kernel', 5, f32Bytes, NaN);
    expectRefused(await loadError(bundle), 'c2', 'kernel', 5, NaN, 6);
  });

  it('TF.js bundle, float32: +Infinity in a BatchNorm moving_variance; -Infinity in a Dense bias', async () => {
    expectRefused(await loadError(tfjsBundle('sequential', 'tfjs-f32', 'bn/moving_variance', 2, f32Bytes, Infinity)), 'bn', 'moving_variance', 2, Infinity, 3);
    expectRefused(await loadError(tfjsBundle('functional', 'tfjs-f32', 'conv_b/bias', 1, f32Bytes, -Infinity)), 'conv_b', 'bias', 1, -Infinity, 3);
  });

  it('TF.js bundle, float16-quantized shards: the f16 NaN pattern 0x7e00', async () => {
    const f16NaN = () => Uint8Array.of(0x00, 0x7e);
    expectRefused(await loadError(tfjsBundle('sequential', 'tfjs-f16', 'c1/kernel', 17, f16NaN, NaN)), 'c1', 'kernel', 17, NaN, 54);
  });

  it('Keras 3 legacy .h5 and Keras 3 .keras (weights file inside the zip)', async () => {
    const h5 = await patchedH5(fixtureBytes('sequential', 'model.h5'), 'c2', 'kernel', 3, NaN);
    expectRefused(await loadError(h5), 'c2', 'kernel', 3, NaN, 6);
    const zip = unzipSync(fixtureBytes('sequential', 'model.keras'));
    zip['model.weights.h5'] = await patchedH5(zip['model.weights.h5'], 'd1', 'kernel', 70, -Infinity, new TextDecoder().decode(fixtureBytes('sequential', 'arch.json')));
    expectRefused(await loadError(zipSync(zip)), 'd1', 'kernel', 70, -Infinity, 72);
  });

  it('weights-only .h5 with its architecture JSON (functional)', async () => {
    const arch = new TextDecoder().decode(fixtureBytes('functional', 'arch.json'));
    const h5 = await patchedH5(fixtureBytes('functional', 'weights.h5'), 'conv_a', 'kernel', 0, NaN, arch);
    expectRefused(await loadError(h5, arch), 'conv_a', 'kernel', 0, NaN, 54);
  });

  it('the unmodified fixtures still load (the check refuses only non-finite values)', async () => {
    for (const [model, file] of [['sequential', 'model.h5'], ['sequential', 'model.keras'], ['functional', 'model.keras']]) {
      expect(await loadError(fixtureBytes(model, file))).toBeUndefined();
    }
  });

  it('cost: scanning 96 MB of weights (the seed network) takes tens of milliseconds', () => {
    const data = new Float32Array(24 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 997) data[i] = Math.sin(i);
    firstNonFinite(data); // warm the JIT, as a second model load would be
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      expect(firstNonFinite(data)).toBe(-1);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`firstNonFinite over 96 MB: median ${times[2].toFixed(1)} ms, best ${times[0].toFixed(1)} ms`);
    data[data.length - 3] = NaN;
    expect(firstNonFinite(data)).toBe(data.length - 3);
  });
});
