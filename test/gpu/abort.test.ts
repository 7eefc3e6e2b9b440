/**
 * AbortSignal, in headless Chromium with its real fetch and Cache API. A load aborted mid-way
 * through the bundled model's 420 KB weight shard rejects with the engine's AbortError (code
 * ABORTED, the signal's reason in the message), leaves nothing of the shard in the model cache and
 * no GPU memory behind, and the next load of the same model works and caches it. The page's network
 * is throttled through CDP while the shard downloads, so it arrives in many small pieces and the
 * abort lands between two of them, whatever the machine's speed. Calls on one model queued behind
 * each other end with AbortError at their turn, before they are submitted (aborting between the
 * chunks of a big batch is test/gpu/batch-chunking.test.ts's).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CDPSession } from 'puppeteer';
import type { AbortedLoad, Failure, QueuedAbort } from '../browser/abort.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

const DIR = join(repoRoot, 'weights/malaria-cnn');
const MODEL = fileUrl(join(DIR, 'model.json'));
const SHARD = fileUrl(join(DIR, 'group1-shard1of1.bin'));
/** model.json is 6 KB: past 64 KB, the shard has started. */
const INTO_SHARD = 64 * 1024;

let cdp: CDPSession | undefined;

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/abort.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

/**
 * Throttles the page's downloads to `bytesPerSecond` (-1: no limit, and the HTTP cache back on).
 * The HTTP cache is off while throttled: other test files' pages in this browser load the same model,
 * and a copy from the cache would arrive in one piece, unthrottled.
 */
async function throttle(bytesPerSecond: number): Promise<void> {
  cdp ??= await (await gpuPage()).createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: bytesPerSecond > 0 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: bytesPerSecond, uploadThroughput: -1 });
}

afterAll(async () => {
  await cdp?.detach();
});

describe('AbortSignal', () => {
  it('aborting a load mid-way through a weight shard: AbortError, the shard not cached, no GPU memory left; the next load works', async () => {
    await throttle(256 * 1024);
    let r: AbortedLoad;
    try {
      r = await call<AbortedLoad>('abortMidDownload', MODEL, 'mi-abort-test', INTO_SHARD);
    } finally {
      await throttle(-1);
    }
    expect(r.abortedAt, 'the load finished before any progress report inside the shard').toBeDefined();
    expect(r.abortedAt!.loadedBytes).toBeLessThan(r.abortedAt!.totalBytes!);
    expect(r.error).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect(r.error!.message).toMatch(/^Loading the model was aborted: The user left the page/);
    expect(r.cached).not.toContain(SHARD);
    expect(r.buffersLeft).toBe(0);

    const next = await call<{ output: number[]; cached: string[] }>('loadAndPredict', MODEL, 'mi-abort-test');
    expect(next.output).toHaveLength(1);
    expect(Number.isFinite(next.output[0])).toBe(true);
    expect(next.cached).toContain(SHARD);
  }, 300_000);

  it('predict calls queued on one model with a signal aborted meanwhile: the waiting ones end with AbortError unsubmitted, the rest keep their answers', async () => {
    const r = await call<QueuedAbort>('abortQueued', MODEL, 16);
    const answered = r.outcomes.filter((o) => 'ok' in o).length;
    // The first call's answer triggers the abort, so it has one; calls run one at a time, so the
    // later ones were still waiting when the signal went. A call whose turn came just before can finish.
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answered).toBeLessThanOrEqual(2);
    r.outcomes.forEach((o, i) => {
      if (i < answered) expect(o, `call ${i}`).toEqual({ ok: r.expected[i] });
      else {
        expect('failed' in o && o.failed, `call ${i}`).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
        expect((o as { failed: Failure }).failed.message).toMatch(/aborted before it was submitted/);
      }
    });
    expect(r.image).toMatchObject({ failed: { name: 'AbortError', code: 'ABORTED' } });
    expect(r.after).toEqual(r.expected[1]);
  }, 300_000);

  it('a signal aborted before the load starts: AbortError at once', async () => {
    const e = await call<Failure | 'loaded'>('abortBeforeStart', MODEL);
    expect(e).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect((e as Failure).message).toContain('Cancelled');
  }, 120_000);
});
