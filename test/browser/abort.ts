/**
 * Runs inside the test page for test/gpu/abort.test.ts: loads stopped by an AbortSignal (mid-way
 * through a weight shard, or before they start), with Chromium's real fetch and Cache API.
 */
import { gpuMemoryStats, loadModel } from '../../src/index.ts';
import type { LoadProgress } from '../../src/formats/fetch-bytes.ts';

/** An engine error as plain data (it crosses into Node). */
export interface Failure {
  name: string;
  code?: string;
  message: string;
  causeName?: string;
}

function asFailure(err: unknown): Failure {
  const e = err as Error & { code?: string };
  return { name: e.name, code: e.code, message: e.message, causeName: (e.cause as Error | undefined)?.name };
}

export interface AbortedLoad {
  error?: Failure;
  /** The progress report on which the load was aborted. */
  abortedAt?: LoadProgress;
  /** URLs in the load's model cache afterwards. */
  cached: string[];
  /** Live GPU buffers in the page afterwards, minus before. */
  buffersLeft: number;
}

async function cachedUrls(name: string): Promise<string[]> {
  if (!(await caches.has(name))) return [];
  return (await (await caches.open(name)).keys()).map((r) => r.url).sort();
}

/**
 * Loads `url` into the model cache `cacheName`, aborting on the first progress report past
 * `afterBytes` that is not the end (so some of a file has arrived and some has not).
 */
export async function abortMidDownload(url: string, cacheName: string, afterBytes: number): Promise<AbortedLoad> {
  await caches.delete(cacheName);
  const before = gpuMemoryStats().liveBuffers;
  const abort = new AbortController();
  let abortedAt: LoadProgress | undefined;
  let error: Failure | undefined;
  try {
    const model = await loadModel(url, {
      signal: abort.signal,
      cache: { name: cacheName },
      autotune: false,
      onProgress: (p) => {
        if (abortedAt || !p.totalBytes || p.loadedBytes <= afterBytes || p.loadedBytes >= p.totalBytes) return;
        abortedAt = { ...p };
        abort.abort(new DOMException('The user left the page', 'AbortError'));
      },
    });
    await model.dispose();
  } catch (err) {
    error = asFailure(err);
  }
  return { error, abortedAt, cached: await cachedUrls(cacheName), buffersLeft: gpuMemoryStats().liveBuffers - before };
}

/** A load whose signal was aborted before it started. */
export async function abortBeforeStart(url: string): Promise<Failure | 'loaded'> {
  try {
    const model = await loadModel(url, { signal: AbortSignal.abort(new DOMException('Cancelled', 'AbortError')), cache: false });
    await model.dispose();
    return 'loaded';
  } catch (err) {
    return asFailure(err);
  }
}

/** Loads `url` (no abort) into `cacheName` and predicts once: the load after an aborted one. */
export async function loadAndPredict(url: string, cacheName: string): Promise<{ output: number[]; cached: string[] }> {
  const model = await loadModel(url, { cache: { name: cacheName }, autotune: false });
  try {
    const y = await model.predict({ data: new Float32Array(64 * 64 * 3).fill(0.5), shape: [1, 64, 64, 3] });
    return { output: Array.from(y.data), cached: await cachedUrls(cacheName) };
  } finally {
    await model.dispose();
    await caches.delete(cacheName);
  }
}
