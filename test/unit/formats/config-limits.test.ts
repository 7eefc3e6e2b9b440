/**
 * Model files against the engine's limits and the JSON rules (src/formats/json.ts, src/limits.ts):
 * invalid JSON gets one message whichever V8 runs us and however the file arrives; a config nested
 * 100000 levels deep is a ModelFormatError (never "Maximum call stack size exceeded"); a model.json
 * without weightsManifest says exactly that; a file bigger than limits.maxModelBytes is refused from
 * its declared size (Blob, Content-Length, zip directory) before it is read or inflated.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { LimitError, ModelFormatError } from '../../../src/errors.ts';
import { parseJson, syntaxProblem, textDepth } from '../../../src/formats/json.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { resolveLimits } from '../../../src/limits.ts';
import { fixtureBytes } from './helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the read to fail');
}

/** A fetch that answers the model's URL with `respond()` and anything else (integrity.json) with 404. */
const serve = (respond: () => Response) =>
  (async (url: string | URL | Request) => (String(url).endsWith('integrity.json') ? new Response('', { status: 404 }) : respond())) as typeof fetch;

/** A model.json whose modelTopology nests `depth` objects. */
const deepModelJson = (depth: number) => '{"format":"layers-model","weightsManifest":[],"modelTopology":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}';

describe('invalid JSON: one message, our own position', () => {
  it.each([
    ['{"a": 1,}', 'unexpected "}" at line 1, column 9'],
    ['{"a": 1,\n "b": [1, 2,, 3]}', 'unexpected "," at line 2, column 13'],
    ['{"a": tru}', 'unexpected "t" at line 1, column 7'],
    ['{"a": 1', 'the text ends early (line 1, column 8)'],
    ['{"a": 1} x', 'unexpected "x" after the end of the document at line 1, column 10'],
    ['{"a": "tab\tin a string"}', 'unexpected "\\t" at line 1, column 11'],
    ["{'a': 1}", 'unexpected "\'" at line 1, column 2'],
  ])('%j', (text, problem) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(syntaxProblem(text)).toBe(problem);
    expect(() => parseJson(text, 'model.json')).toThrow(new ModelFormatError(`model.json is not valid JSON: ${problem}`));
  });

  it('the same message for model.json fetched by URL, given as bytes, or among files', async () => {
    const bad = enc('{"format": "layers-model",\n "modelTopology": {"a": 1,}\n}');
    const want = '"model.json" is not valid JSON: unexpected "}" at line 2, column 27';
    const fetchFn = serve(() => new Response(bad));
    expect((await errorOf(readKerasModel('http://x/m/model.json', { fetch: fetchFn, cache: false }))).message).toBe(want.replace('"model.json"', '"http://x/m/model.json"'));
    expect((await errorOf(readKerasModel({ files: new Map([['model.json', bad]]) }))).message).toBe(want);
    expect((await errorOf(readKerasModel({ files: new Map([['model.json', bad], ['metadata.json', enc('{}')]]) }))).message).toBe(want);
    expect((await errorOf(readKerasModel(bad))).message).toBe(want.replace('"model.json"', '"the given bytes"'));
  });
});

describe('limits.maxConfigDepth', () => {
  it('textDepth counts brackets outside strings, without recursion', () => {
    expect(textDepth('{"a": [1, {"b": "[[[{{{"}]}')).toBe(3);
    expect(textDepth('['.repeat(100000) + ']'.repeat(100000))).toBe(100000);
  });

  it('a model.json nested 100000 levels deep is a ModelFormatError naming the limit, by every route', async () => {
    const text = deepModelJson(100000);
    const routes: [string, () => Promise<unknown>][] = [
      ['bytes', () => readKerasModel(enc(text))],
      ['files', () => readKerasModel({ files: new Map([['model.json', enc(text)]]) })],
      ['modelJson text', () => readKerasModel({ modelJson: text, weights: [] })],
      ['modelJson object', () => readKerasModel({ modelJson: JSON.parse(text), weights: [] })],
      ['architecture object', () => readKerasModel(fixtureBytes('sequential', 'weights.h5'), { architecture: JSON.parse(text).modelTopology })],
    ];
    for (const [route, read] of routes) {
      const err = await errorOf(read());
      expect(err, route).toBeInstanceOf(ModelFormatError);
      expect(err.message, route).toMatch(/nests objects and arrays more than 1000 levels deep .*raise limits\.maxConfigDepth \(mi: --max-config-depth\)/);
    }
  });

  it('raising the limit lets a deeper (but still sane) config through to the next check', async () => {
    const text = deepModelJson(1500);
    expect((await errorOf(readKerasModel(enc(text)))).message).toMatch(/more than 1000 levels deep/);
    const err = await errorOf(readKerasModel(enc(text), { limits: { maxConfigDepth: 2000 } }));
    expect(err.message).toMatch(/not a Keras model config/);
  });
});

describe('model.json without weightsManifest', () => {
  it('says exactly that, as bytes and among files', async () => {
    const doc = JSON.parse(new TextDecoder().decode(fixtureBytes('sequential', 'tfjs-f32/model.json')));
    delete doc.weightsManifest;
    const bytes = enc(JSON.stringify(doc));
    for (const read of [() => readKerasModel(bytes), () => readKerasModel({ files: new Map([['model.json', bytes]]) })]) {
      const err = await errorOf(read());
      expect(err).toBeInstanceOf(ModelFormatError);
      expect(err.message).toMatch(/has a "modelTopology" but no "weightsManifest": a TF\.js layers model\.json lists its weight files there/);
    }
  });
});

describe('limits.maxModelBytes, from the declared size', () => {
  const limits = { maxModelBytes: 1000 };

  it('a Blob bigger than the limit is refused before it is read', async () => {
    let read = false;
    const blob = new Blob([new Uint8Array(5000)]);
    blob.arrayBuffer = async () => {
      read = true;
      return new ArrayBuffer(0);
    };
    const err = await errorOf(readKerasModel(blob, { limits }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err).toMatchObject({ limit: 'maxModelBytes', value: 5000, max: 1000 });
    expect(read).toBe(false);
  });

  it('a download whose Content-Length is over the limit is not read; one without it stops once past the limit', async () => {
    let pulled = 0;
    const body = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          c.enqueue(new Uint8Array(400));
          if (pulled > 50) c.close();
        },
      });
    const declared = serve(() => new Response(body(), { headers: { 'content-length': '20000' } }));
    const err = await errorOf(readKerasModel('http://x/model.h5', { fetch: declared, cache: false, limits }));
    expect(err).toMatchObject({ name: 'LimitError', value: 20000, max: 1000 });
    expect(err.message).toMatch(/^the model file \(http:\/\/x\/model\.h5\) is 20000 bytes, over the limit of 1000/);
    expect(pulled).toBeLessThanOrEqual(2); // a stream may pull ahead once; nothing more was read
    pulled = 0;
    const undeclared = serve(() => new Response(body()));
    expect(await errorOf(readKerasModel('http://x/model.h5', { fetch: undeclared, cache: false, limits }))).toMatchObject({ name: 'LimitError', value: 1200 });
    expect(pulled).toBeLessThan(6);
  });

  it('a .keras whose config.json inflates past the limit (a zip bomb) is refused from the zip directory', async () => {
    const zip = zipSync({ 'config.json': strToU8(' '.repeat(50_000) + '{}'), 'model.weights.h5': new Uint8Array(10) }, { level: 9 });
    expect(zip.length).toBeLessThan(2000);
    const err = await errorOf(readKerasModel(zip, { limits: { maxModelBytes: 10_000 } }));
    expect(err).toMatchObject({ name: 'LimitError', limit: 'maxModelBytes', value: 50_002 });
    expect(err.message).toMatch(/config\.json" \(inflated\) is 50002 bytes/);
  });
});

describe('resolveLimits', () => {
  it('defaults, given values on top, and a clear error for nonsense', () => {
    expect(resolveLimits({ maxImagePixels: 5 })).toMatchObject({ maxImagePixels: 5, maxConfigDepth: 1000, maxTensorElements: 2 ** 28 });
    expect(() => resolveLimits({ maxImagePixels: -1 })).toThrow(/limits\.maxImagePixels must be a positive number, got -1/);
    expect(() => resolveLimits({ maxPixels: 5 } as never)).toThrow(/unknown limit "maxPixels"/);
  });
});
