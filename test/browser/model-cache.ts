/**
 * Runs inside the test page (a secure context: http://127.0.0.1) for test/gpu/model-cache.test.ts:
 * loads by URL through the public API with Chromium's real Cache API, and looks into and damages
 * that cache the way a disk or an old deployment would.
 */
import { clearModelCache, loadModel, MODEL_CACHE_NAME, tensor, type LoadOptions } from '../../src/index.ts';
import { readKerasModel } from '../../src/formats/read-model.ts';
import { sha256Sri } from '../../src/formats/integrity.ts';
import { SHA256_HEADER } from '../../src/formats/model-cache.ts';

/** The JSON-friendly part of LoadOptions that the tests vary. */
type Options = Pick<LoadOptions, 'cache' | 'integrity'>;

/** An engine error as plain data (it crosses into Node). */
export interface Failure {
  error: { name: string; code?: string; message: string };
}

async function guarded<T>(fn: () => Promise<T>): Promise<T | Failure> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error & { code?: string };
    return { error: { name: e.name, code: e.code, message: e.message } };
  }
}

/** A fixed 64×64 RGB input (the demo model's size), the same every call. */
function input() {
  const data = new Float32Array(64 * 64 * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 256) / 255;
  return tensor(data, [1, 64, 64, 3]);
}

/** Loads the model at `url` with the page's own fetch and returns its output for the fixed input. */
export function predictFrom(url: string, options: Options = {}): Promise<number[] | Failure> {
  return guarded(async () => {
    const model = await loadModel(url, { ...options, backend: 'webgpu', autotune: false });
    try {
      return Array.from((await model.predict(input())).data);
    } finally {
      await model.dispose();
    }
  });
}

/** The URLs that `readKerasModel(url)` asked a `fetch` load option for. */
export async function fetchedThroughOption(url: string, options: Options = {}): Promise<string[]> {
  const asked: string[] = [];
  const fetch = ((u: RequestInfo | URL, init?: RequestInit) => (asked.push(String(u)), globalThis.fetch(u, init))) as typeof globalThis.fetch;
  await readKerasModel(url, { ...options, fetch });
  return asked;
}

/** sha256 of every weight of the model at `url` in order: equal digests, equal weights. */
export function weightsDigest(url: string, options: Options = {}): Promise<string | Failure> {
  return guarded(async () => {
    const km = await readKerasModel(url, options);
    const parts = km.layers.flatMap((l) => l.weights.map((w) => new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength)));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return sha256Sri(all);
  });
}

/**
 * Reads the model with a `fetch` that serves half of each weight shard: 'short' ends the body
 * there (under its full Content-Length), 'abort' stalls until the load is aborted.
 */
export async function readCut(url: string, how: 'short' | 'abort'): Promise<Failure | 'loaded'> {
  const abort = new AbortController();
  const fetch = (async (u: RequestInfo | URL, init?: RequestInit) => {
    const res = await globalThis.fetch(u, init);
    if (!String(u).endsWith('.bin')) return res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, bytes.length >> 1));
        if (how === 'short') c.close();
        else init?.signal?.addEventListener('abort', () => c.error(init.signal!.reason));
      },
    });
    if (how === 'abort') setTimeout(() => abort.abort(new DOMException('The user left the page', 'AbortError')), 50);
    return new Response(body, { headers: { 'content-length': String(bytes.length) } });
  }) as typeof globalThis.fetch;
  return guarded(async () => (await readKerasModel(url, { fetch, signal: abort.signal }), 'loaded' as const));
}

/** The URLs in the model cache (the default one, or `name`); [] when the cache does not exist. */
export async function cachedUrls(name = MODEL_CACHE_NAME): Promise<string[]> {
  if (!(await caches.has(name))) return [];
  return (await (await caches.open(name)).keys()).map((r) => r.url).sort();
}

/** The sha256 of a cached file's bytes and the one recorded beside it. */
export async function cachedHashes(url: string): Promise<{ actual: string; recorded: string | null } | undefined> {
  const hit = await (await caches.open(MODEL_CACHE_NAME)).match(url);
  if (!hit) return undefined;
  return { actual: await sha256Sri(new Uint8Array(await hit.arrayBuffer())), recorded: hit.headers.get(SHA256_HEADER) };
}

/**
 * Flips one byte of a cached file. `record`: 'rehash' records the damaged bytes' own hash (a
 * consistent but wrong entry: only a known integrity value can catch it); 'keep' keeps the old
 * record (damage on disk).
 */
export async function damageCached(url: string, record: 'rehash' | 'keep'): Promise<void> {
  const cache = await caches.open(MODEL_CACHE_NAME);
  const hit = await cache.match(url);
  if (!hit) throw new Error(`${url} is not cached`);
  const bytes = new Uint8Array(await hit.arrayBuffer());
  bytes[bytes.length >> 1] ^= 0x40;
  const headers = new Headers(hit.headers);
  if (record === 'rehash') headers.set(SHA256_HEADER, await sha256Sri(bytes));
  await cache.put(url, new Response(bytes, { headers }));
}

export const clear = (): Promise<boolean> => clearModelCache();
