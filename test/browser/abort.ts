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
      backend: 'webgpu',
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
    const model = await loadModel(url, { backend: 'webgpu', signal: AbortSignal.abort(new DOMException('Cancelled', 'AbortError')), cache: false });
    await model.dispose();
    return 'loaded';
  } catch (err) {
    return asFailure(err);
  }
}

/** Loads `url` (no abort) into `cacheName` and predicts once: the load after an aborted one. */
export async function loadAndPredict(url: string, cacheName: string): Promise<{ output: number[]; cached: string[] }> {
  const model = await loadModel(url, { backend: 'webgpu', cache: { name: cacheName }, autotune: false });
  try {
    const y = await model.predict({ data: new Float32Array(64 * 64 * 3).fill(0.5), shape: [1, 64, 64, 3] });
    return { output: Array.from(y.data), cached: await cachedUrls(cacheName) };
  } finally {
    await model.dispose();
    await caches.delete(cacheName);
  }
}

type Outcome = { ok: number[] } | { failed: Failure };

export interface QueuedAbort {
  /** Each call's answer one at a time, without a signal. */
  expected: number[][];
  /** The calls made together with one signal, aborted once the first had its answer. */
  outcomes: Outcome[];
  /** predictImage with a signal aborted before its turn came. */
  image: Outcome;
  /** A call after all that, without a signal. */
  after: number[];
}

/**
 * `count` predicts on one model at once, sharing a signal that is aborted when the first answer
 * arrives: the calls still waiting for their turn in the model's queue must end with AbortError
 * before they are submitted, those already run must keep their answers, and the model must go on.
 */
export async function abortQueued(url: string, count: number): Promise<QueuedAbort> {
  const model = await loadModel(url, { backend: 'webgpu', autotune: false, inputShape: [1, 64, 64, 3] });
  try {
    const xs = Array.from({ length: count }, (_, k) => {
      const data = new Float32Array(64 * 64 * 3);
      for (let i = 0; i < data.length; i++) data[i] = ((i * 11 + k * 211) % 256) / 255;
      return { data, shape: [1, 64, 64, 3] };
    });
    const expected: number[][] = [];
    for (const x of xs) expected.push(Array.from((await model.predict(x)).data));
    const outcome = (p: Promise<{ data: Float32Array }>): Promise<Outcome> =>
      p.then(
        (y) => ({ ok: Array.from(y.data) }),
        (err) => ({ failed: asFailure(err) }),
      );
    const abort = new AbortController();
    const calls = xs.map((x) => outcome(model.predict(x, { signal: abort.signal })));
    void calls[0].then(() => abort.abort(new DOMException('Stopped by the user', 'AbortError')));
    const outcomes = await Promise.all(calls);

    const late = new AbortController();
    const pixels = { data: new Uint8ClampedArray(64 * 64 * 4).fill(128), width: 64, height: 64, channels: 4 as const };
    const blocker = model.predict(xs[0]); // the image call queues behind it
    const image = outcome(model.predictImage(pixels, { signal: late.signal }));
    late.abort(new DOMException('Stopped by the user', 'AbortError'));
    await blocker;
    return { expected, outcomes, image: await image, after: Array.from((await model.predict(xs[1])).data) };
  } finally {
    await model.dispose();
  }
}
