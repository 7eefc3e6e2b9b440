/** The entry point's sources: URLs (with progress), File objects, bytes, bundles; format by content. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasModel, type LoadProgress } from '../../../src/formats/read-model.ts';
import { FORMATS_DIR, fixtureBytes } from './helpers.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';

/** A fetch serving our fixture folder at https://models.test/<model>/..., with Content-Length. */
function fixtureFetch(log: string[] = [], opts: { lengths?: boolean; chunk?: number } = {}) {
  return (async (input: string | URL) => {
    const url = String(input);
    log.push(url);
    const m = /^https:\/\/models\.test\/(\w+)\/(.+)$/.exec(url);
    if (!m) return new Response('not found', { status: 404 });
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fixtureBytes(m[1], m[2]);
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
    const chunk = opts.chunk ?? 1 << 20;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (let o = 0; o < bytes.length; o += chunk) c.enqueue(bytes.slice(o, o + chunk));
        c.close();
      },
    });
    const headers: Record<string, string> = opts.lengths === false ? {} : { 'content-length': String(bytes.length) };
    return new Response(body, { headers });
  }) as typeof fetch;
}

describe('URL sources', () => {
  it('model.json: fetches the shards relative to it and reports progress', async () => {
    const log: string[] = [];
    const progress: LoadProgress[] = [];
    const km = await readKerasModel('https://models.test/functional/tfjs-f32/model.json', {
      fetch: fixtureFetch(log, { chunk: 100 }),
      onProgress: (p) => progress.push(p),
    });
    expect(km.format).toBe('tfjs-layers');
    expect(log).toEqual([
      'https://models.test/functional/tfjs-f32/integrity.json', // looked for beside the model (404 here: none)
      'https://models.test/functional/tfjs-f32/model.json',
      'https://models.test/functional/tfjs-f32/group1-shard1of2.bin',
      'https://models.test/functional/tfjs-f32/group1-shard2of2.bin',
    ]);
    const total = ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']
      .map((f) => fixtureBytes('functional', `tfjs-f32/${f}`).length)
      .reduce((a, b) => a + b);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toEqual({ loadedBytes: total, totalBytes: total });
    for (let i = 1; i < progress.length; i++) expect(progress[i].loadedBytes).toBeGreaterThan(progress[i - 1].loadedBytes);
  });

  it('.keras and .h5 by URL; format told by content, not by extension', async () => {
    const fetch = fixtureFetch();
    expect((await readKerasModel('https://models.test/sequential/model.keras', { fetch })).format).toBe('keras3-keras');
    expect((await readKerasModel(new URL('https://models.test/sequential/model.h5'), { fetch })).format).toBe('keras3-legacy-h5');
    const renamed = (async () => new Response(fixtureBytes('sequential', 'model.keras'))) as unknown as typeof globalThis.fetch;
    expect((await readKerasModel('https://x.test/download?id=7', { fetch: renamed })).format).toBe('keras3-keras');
  });

  it('progress without Content-Length leaves totalBytes undefined', async () => {
    const progress: LoadProgress[] = [];
    await readKerasModel('https://models.test/sequential/model.h5', { fetch: fixtureFetch([], { lengths: false }), onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ loadedBytes: fixtureBytes('sequential', 'model.h5').length, totalBytes: undefined });
  });

  it('a weights-only .h5 by URL with options.architecture', async () => {
    const km = await readKerasModel('https://models.test/nested/weights.h5', {
      fetch: fixtureFetch(),
      architecture: JSON.parse(new TextDecoder().decode(fixtureBytes('nested', 'arch.json'))),
    });
    expect(km.format).toBe('keras-weights-h5');
  });
});

describe('File sources (as from <input type=file>)', () => {
  const file = (model: string, name: string, as = name.slice(name.lastIndexOf('/') + 1)) => new File([fixtureBytes(model, name)], as);

  it('model.json + shard Files, in any order', async () => {
    const files = [file('sequential', 'tfjs-u8/group1-shard2of2.bin'), file('sequential', 'tfjs-u8/model.json'), file('sequential', 'tfjs-u8/group1-shard1of2.bin')];
    expect((await readKerasModel(files)).format).toBe('tfjs-layers');
  });

  it('a single .keras or .h5 File, whatever its name', async () => {
    expect((await readKerasModel(file('functional', 'model.keras', 'my model (1).bin'))).format).toBe('keras3-keras');
    expect((await readKerasModel([file('functional', 'model.h5')])).format).toBe('keras3-legacy-h5');
  });

  it('weights .h5 + architecture .json Files', async () => {
    const km = await readKerasModel([file('functional', 'arch.json'), file('functional', 'weights.h5')]);
    expect(km.format).toBe('keras-weights-h5');
  });

  it('an architecture JSON alone asks for its weights', async () => {
    await expect(readKerasModel([file('functional', 'arch.json')])).rejects.toThrow(/architecture.*weights \.h5/);
  });

  it('two models at once is ambiguous', async () => {
    await expect(readKerasModel([file('functional', 'model.h5'), file('sequential', 'model.h5', 'b.h5')])).rejects.toThrow(/Several models/);
  });
});

describe('bundles', () => {
  it('{ files: Map } from node-files with a directory', async () => {
    const km = await readKerasModel(await readModelFiles(join(FORMATS_DIR, 'functional', 'tfjs-f16')));
    expect(km.layers.length).toBe(12);
  });

  it('{ modelJson (string), weights }', async () => {
    const json = new TextDecoder().decode(fixtureBytes('sequential', 'tfjs-f32/model.json'));
    const weights = [fixtureBytes('sequential', 'tfjs-f32/group1-shard1of2.bin'), fixtureBytes('sequential', 'tfjs-f32/group1-shard2of2.bin').slice().buffer];
    expect((await readKerasModel({ modelJson: json, weights })).format).toBe('tfjs-layers');
  });

  it('architecture JSON + weights .h5 in a Map', async () => {
    const files = new Map([['arch.json', fixtureBytes('nested', 'arch.json')], ['weights.h5', fixtureBytes('nested', 'weights.h5')]]);
    expect((await readKerasModel({ files })).layers.length).toBe(8);
  });
});

describe('relative URLs without a page (Node with a custom fetch)', () => {
  it('shards resolve next to a relative model.json path', async () => {
    const log: string[] = [];
    const fetch = (async (u: string) => {
      log.push(u);
      return new Response(fixtureBytes('sequential', `tfjs-f32/${u.slice('models/seq/'.length)}`));
    }) as unknown as typeof globalThis.fetch;
    await readKerasModel('models/seq/model.json', { fetch });
    expect(log).toEqual(['models/seq/integrity.json', 'models/seq/model.json', 'models/seq/group1-shard1of2.bin', 'models/seq/group1-shard2of2.bin']);
  });
});
