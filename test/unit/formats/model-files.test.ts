/**
 * Cache and integrity rules of URL loads (model-files.ts) in Node, with an injected fetch and an
 * in-memory stand-in for Cache Storage. The same rules run against Chromium's real Cache API in
 * test/gpu/model-cache.test.ts; here every branch is cheap to reach.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelFetchError, ModelFormatError } from '../../../src/errors.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { sha256Sri } from '../../../src/formats/integrity.ts';
import { clearModelCache, MODEL_CACHE_NAME, SHA256_HEADER } from '../../../src/formats/model-cache.ts';
import { fixtureBytes } from './helpers.ts';

const DIR = 'https://models.test/seq/';
const MODEL = `${DIR}model.json`;
const FILES = ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'];
const bytesOf = (f: string) => fixtureBytes('sequential', `tfjs-f32/${f}`);

/** Just enough of CacheStorage/Cache for model-cache.ts, keeping bodies and headers. */
class MemoryCache {
  readonly entries = new Map<string, { body: Uint8Array<ArrayBuffer>; headers: Headers }>();
  async match(url: string) {
    const e = this.entries.get(String(url));
    return e && new Response(e.body.slice(), { headers: e.headers });
  }
  async put(url: string, res: Response) {
    this.entries.set(String(url), { body: new Uint8Array(await res.arrayBuffer()), headers: new Headers(res.headers) });
  }
  async delete(url: string) {
    return this.entries.delete(String(url));
  }
  async keys() {
    return [...this.entries.keys()].map((u) => new Request(u));
  }
}
class MemoryCacheStorage {
  readonly named = new Map<string, MemoryCache>();
  async open(name: string) {
    let c = this.named.get(name);
    if (!c) this.named.set(name, (c = new MemoryCache()));
    return c;
  }
  async has(name: string) {
    return this.named.has(name);
  }
  async delete(name: string) {
    return this.named.delete(name);
  }
  /** The default cache's URLs, sorted. */
  urls(name = MODEL_CACHE_NAME): string[] {
    return [...(this.named.get(name)?.entries.keys() ?? [])].sort();
  }
}

/**
 * A fetch serving the fixture at DIR, logging each URL; `serve` overrides a file's bytes
 * (`integrity.json` is absent unless given there), `cut` ends a file's body early.
 */
function server(serve: Record<string, Uint8Array | string> = {}, cut: Record<string, 'error' | 'short' | 'stall'> = {}) {
  const log: string[] = [];
  const fetch = (async (input: string | URL, init?: RequestInit) => {
    const url = String(input);
    log.push(url);
    const file = url.slice(DIR.length);
    const given = serve[file];
    const bytes = typeof given === 'string' ? new TextEncoder().encode(given) : given ?? (FILES.includes(file) ? bytesOf(file) : undefined);
    if (!bytes) return new Response('not found', { status: 404 });
    const half = bytes.slice(0, bytes.length >> 1);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        if (!cut[file]) return c.enqueue(bytes.slice()), c.close();
        c.enqueue(half);
        if (cut[file] === 'error') c.error(new Error('connection reset'));
        else if (cut[file] === 'short') c.close();
        // 'stall': the rest never comes; an abort ends the body as a browser's fetch does.
        else init?.signal?.addEventListener('abort', () => c.error(init.signal!.reason));
      },
    });
    return new Response(body, { headers: { 'content-length': String(bytes.length) } });
  }) as typeof globalThis.fetch;
  return { fetch, log, modelRequests: () => log.filter((u) => !u.endsWith('/integrity.json')) };
}

const sriOf = (f: string) => sha256Sri(bytesOf(f));
async function manifest(): Promise<string> {
  return JSON.stringify(Object.fromEntries(await Promise.all(FILES.map(async (f) => [f, await sriOf(f)]))));
}
const weightsOf = (km: Awaited<ReturnType<typeof readKerasModel>>) => km.layers.flatMap((l) => l.weights.map((w) => Array.from(w.data)));

let storage: MemoryCacheStorage;
beforeEach(() => {
  storage = new MemoryCacheStorage();
  vi.stubGlobal('caches', storage);
});
afterEach(() => vi.unstubAllGlobals());

describe('the model cache', () => {
  it('a second load of the same URL reads every file from the cache, with the same result', async () => {
    const net = server();
    const first = await readKerasModel(MODEL, { fetch: net.fetch });
    expect(storage.urls()).toEqual(FILES.map((f) => DIR + f).sort());
    expect(storage.named.get(MODEL_CACHE_NAME)!.entries.get(MODEL)!.headers.get(SHA256_HEADER)).toBe(await sriOf('model.json'));
    const again = server();
    const progress: number[] = [];
    const second = await readKerasModel(MODEL, { fetch: again.fetch, onProgress: (p) => progress.push(p.loadedBytes) });
    expect(again.modelRequests()).toEqual([]);
    expect(weightsOf(second)).toEqual(weightsOf(first));
    expect(progress.at(-1)).toBe(FILES.map((f) => bytesOf(f).length).reduce((a, b) => a + b));
  });

  it('cache: false neither reads nor writes; { name } uses another cache', async () => {
    await readKerasModel(MODEL, { fetch: server().fetch, cache: false });
    expect(storage.named.size).toBe(0);
    await readKerasModel(MODEL, { fetch: server().fetch, cache: { name: 'mine' } });
    expect(storage.urls('mine')).toHaveLength(3);
    expect(storage.urls()).toEqual([]);
    const net = server();
    await readKerasModel(MODEL, { fetch: net.fetch, cache: false });
    expect(net.modelRequests()).toHaveLength(3);
  });

  it('clearModelCache empties it and says whether it deleted anything', async () => {
    expect(await clearModelCache()).toBe(false);
    await readKerasModel(MODEL, { fetch: server().fetch });
    expect(await clearModelCache()).toBe(true);
    expect(storage.urls()).toEqual([]);
    expect(await clearModelCache()).toBe(false);
  });

  it('a damaged cached file (bytes no longer match their recorded hash) is deleted and downloaded again', async () => {
    await readKerasModel(MODEL, { fetch: server().fetch });
    const entry = storage.named.get(MODEL_CACHE_NAME)!.entries.get(`${DIR}group1-shard2of2.bin`)!;
    entry.body[0] ^= 0xff;
    const net = server();
    const km = await readKerasModel(MODEL, { fetch: net.fetch });
    expect(net.modelRequests()).toEqual([`${DIR}group1-shard2of2.bin`]);
    expect(weightsOf(km)).toEqual(weightsOf(await readKerasModel(MODEL, { fetch: server().fetch, cache: false })));
    expect(storage.named.get(MODEL_CACHE_NAME)!.entries.get(`${DIR}group1-shard2of2.bin`)!.body).toEqual(bytesOf('group1-shard2of2.bin'));
  });

  it.each(['error', 'short'] as const)('a download cut short (%s) is never cached', async (how) => {
    const net = server({}, { 'group1-shard1of2.bin': how });
    await expect(readKerasModel(MODEL, { fetch: net.fetch })).rejects.toThrow(how === 'error' ? /shard1of2\.bin.*failed midway/ : /bytes/);
    expect(storage.urls()).not.toContain(`${DIR}group1-shard1of2.bin`);
  });

  it('an aborted download is not cached', async () => {
    const abort = new AbortController();
    const net = server({}, { 'group1-shard2of2.bin': 'stall' });
    const modelJsonBytes = bytesOf('model.json').length;
    const load = readKerasModel(MODEL, {
      fetch: net.fetch,
      signal: abort.signal,
      // Once a shard has started arriving, the user leaves.
      onProgress: (p) => p.loadedBytes > modelJsonBytes && abort.abort(new Error('user left')),
    });
    await expect(load).rejects.toThrow(/group1-shard2of2\.bin.*failed midway: user left/);
    expect(storage.urls()).not.toContain(`${DIR}group1-shard2of2.bin`);
  });
});

describe('integrity', () => {
  it('integrity.json beside the model is fetched past the HTTP cache and checked: a damaged download is a ModelFetchError, nothing cached', async () => {
    const bad = bytesOf('group1-shard1of2.bin');
    bad[3] ^= 1;
    const init: (RequestInit | undefined)[] = [];
    const net = server({ 'integrity.json': await manifest(), 'group1-shard1of2.bin': bad });
    const fetch = ((u: string, i?: RequestInit) => (init.push(u.endsWith('integrity.json') ? i : undefined), net.fetch(u, i))) as typeof globalThis.fetch;
    const err = await readKerasModel(MODEL, { fetch }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelFetchError);
    expect(err.message).toContain('group1-shard1of2.bin');
    expect(err.message).toContain(await sriOf('group1-shard1of2.bin'));
    expect(err.message).toContain(await sha256Sri(bad));
    expect(err.message).toContain(`${DIR}integrity.json`);
    expect(init.find(Boolean)?.cache).toBe('no-store');
    expect(storage.urls()).not.toContain(`${DIR}group1-shard1of2.bin`);
  });

  it('the integrity option wins over integrity.json, file by file', async () => {
    const wrong = JSON.stringify({ 'model.json': await sriOf('group1-shard1of2.bin') });
    // The manifest's model.json value is wrong, the option's right: loads.
    await readKerasModel(MODEL, { fetch: server({ 'integrity.json': wrong }).fetch, integrity: { 'model.json': await sriOf('model.json') }, cache: false });
    // A string is the main file's value: here wrong, so it fails even though the manifest is right.
    const err = await readKerasModel(MODEL, { fetch: server({ 'integrity.json': await manifest() }).fetch, integrity: await sriOf('group1-shard2of2.bin') }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelFetchError);
    expect(err.message).toMatch(/The model file .*model\.json.*from the integrity option/);
  });

  it('a cached copy that no longer matches the manifest (the model changed) is replaced by a fresh, revalidated download', async () => {
    await readKerasModel(MODEL, { fetch: server().fetch });
    const cached = storage.named.get(MODEL_CACHE_NAME)!.entries.get(MODEL)!;
    // Yesterday's model.json, consistently recorded: only the manifest can tell it is stale.
    const old = new TextEncoder().encode(`${new TextDecoder().decode(bytesOf('model.json'))}\n`);
    cached.body = old;
    cached.headers.set(SHA256_HEADER, await sha256Sri(old));
    const init: (RequestInit | undefined)[] = [];
    const net = server({ 'integrity.json': await manifest() });
    const fetch = ((u: string, i?: RequestInit) => (u === MODEL && init.push(i), net.fetch(u, i))) as typeof globalThis.fetch;
    await readKerasModel(MODEL, { fetch });
    expect(net.modelRequests()).toEqual([MODEL]);
    expect(init[0]?.cache).toBe('no-cache');
    expect(storage.named.get(MODEL_CACHE_NAME)!.entries.get(MODEL)!.body).toEqual(bytesOf('model.json'));
  });

  it("a shard's manifest key is its path as model.json writes it, even outside the model's folder", async () => {
    const json = JSON.parse(new TextDecoder().decode(bytesOf('model.json')));
    for (const group of json.weightsManifest) group.paths = group.paths.map((p: string) => `../shared/${p}`);
    const damaged = bytesOf('group1-shard2of2.bin');
    damaged[0] ^= 1;
    const manifest = JSON.stringify({ '../shared/group1-shard2of2.bin': await sriOf('group1-shard2of2.bin') });
    const fetch = (async (u: string) => {
      if (u === MODEL) return new Response(JSON.stringify(json));
      if (u === `${DIR}integrity.json`) return new Response(manifest);
      const shard = /^https:\/\/models\.test\/shared\/(group1-shard[12]of2\.bin)$/.exec(u)?.[1];
      if (shard) return new Response(shard.includes('2of2') ? damaged : bytesOf(shard));
      return new Response('', { status: 404 });
    }) as typeof globalThis.fetch;
    await expect(readKerasModel(MODEL, { fetch })).rejects.toThrow(/Weight shard "\.\.\/shared\/group1-shard2of2\.bin" \(https:\/\/models\.test\/shared\/group1-shard2of2\.bin\) failed its integrity check/);
  });

  it('without a manifest and offline, cached files still load (checked against their own record)', async () => {
    await readKerasModel(MODEL, { fetch: server().fetch });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect((await readKerasModel(MODEL, { fetch: offline })).layers.length).toBeGreaterThan(0);
  });

  it('a manifest that is JSON but malformed is an error; an HTML page in its place is no manifest', async () => {
    await expect(readKerasModel(MODEL, { fetch: server({ 'integrity.json': '{"model.json": "md5-x"}' }).fetch })).rejects.toThrow(ModelFormatError);
    await expect(readKerasModel(MODEL, { fetch: server({ 'integrity.json': '<!doctype html><p>app</p>' }).fetch })).resolves.toBeDefined();
  });

  it('without a Cache API (Node) files are only checked when a value is known', async () => {
    vi.unstubAllGlobals();
    expect((globalThis as { caches?: unknown }).caches).toBeUndefined();
    const net = server({ 'integrity.json': await manifest() });
    await readKerasModel(MODEL, { fetch: net.fetch });
    await readKerasModel(MODEL, { fetch: net.fetch });
    expect(net.modelRequests()).toHaveLength(6);
    expect(await clearModelCache()).toBe(false);
  });
});
