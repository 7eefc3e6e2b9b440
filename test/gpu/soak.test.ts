/**
 * Soak: many predictions on one model, and many load/dispose cycles, in headless Chromium. What must
 * stay flat is asserted exactly where the engine can count it (live GPU buffers, from its own
 * accounting in src/gpu/memory.ts) and with a generous bound where it cannot (the JS heap, read over
 * CDP after a forced collection). Times are printed for the record, never asserted: this machine is
 * shared and SwiftShader's speed varies with its load.
 *
 * Counts in `npm test`: 1,000 runs, 100 cycles on one shared device (pipelines stay cached on it, so
 * a cycle takes well under a second) and 4 cycles that each request and destroy a device of their
 * own, as a page does (every shader compiles again: seconds a cycle on SwiftShader). `npm run soak`
 * runs 100 of those too. MI_SOAK_RUNS, MI_SOAK_CYCLES and MI_SOAK_OWN_CYCLES set the counts.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CDPSession } from 'puppeteer';
import type { CycleReport, ImageSoak, SoakBatch, SoakStart } from '../browser/soak.ts';
import type { GpuMemoryStats } from '../../src/gpu/memory.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

const MODEL = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));
const RUNS = Number(process.env.MI_SOAK_RUNS ?? 1000);
const CYCLES = Number(process.env.MI_SOAK_CYCLES ?? 100);
const OWN_CYCLES = Number(process.env.MI_SOAK_OWN_CYCLES ?? 4);
const BATCH = 100;
/** predictImage calls after the predictions (the element's path; each makes its preprocessing objects once). */
const IMAGE_RUNS = 100;
/** JS heap growth allowed over the whole soak: far above noise, far below a leak of a tensor per run (1000 × 48 KB inputs alone). */
const HEAP_BOUND = 20e6;
/**
 * Heap growth allowed per run over the second half of the runs, once code and caches made by the
 * first runs exist. A reaction left on the device's never-settling `lost` promise by every run grew
 * the heap by ~340 bytes a run (1 MB over 3,000 runs; fixed: 0.07 MB, all of it in the first half).
 */
const HEAP_PER_RUN_BOUND = 150;

let cdp: CDPSession | undefined;

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/soak.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

/** Used JS heap of the page after a full garbage collection (CDP), in bytes. */
async function heapAfterGc(): Promise<number> {
  cdp ??= await (await gpuPage()).createCDPSession();
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const buffers = (s: GpuMemoryStats) => `${s.liveBuffers} buffers (${mb(s.liveBufferBytes)}), ${s.liveTextures} textures, ${s.liveQuerySets} query sets`;

afterAll(async () => {
  await cdp?.detach();
});

describe('soak', () => {
  it(`${RUNS} predictions (batch 1) and ${IMAGE_RUNS} predictImage calls on one model: same answers, no GPU buffer or heap growth`, async () => {
    const begin = await call<SoakStart>('start', MODEL, 20);
    expect(begin.distinctOutputs).toBe(8); // the inputs differ, so a mixed-up output would show
    const heapBefore = await heapAfterGc();
    const ms: number[] = [];
    let mismatches = 0;
    let last = begin.device;
    let heapMid: { runs: number; bytes: number } | undefined;
    for (let done = 0; done < RUNS; done += BATCH) {
      if (!heapMid && done >= RUNS / 2) heapMid = { runs: done, bytes: await heapAfterGc() };
      const b = await call<SoakBatch>('batch', Math.min(BATCH, RUNS - done), done);
      ms.push(...b.ms);
      mismatches += b.mismatches;
      // Exact: a run allocates nothing, so the count is the same after every batch.
      expect(b.device, `live GPU objects after ${done + b.ms.length} runs`).toEqual(begin.device);
      last = b.device;
    }
    const heapAfter = await heapAfterGc();
    // The element's path too: images resized and normalised on the GPU into the plan's input.
    const images = await call<ImageSoak>('imageBatch', IMAGE_RUNS);
    const freed = await call<GpuMemoryStats>('finish');

    const first = mean(ms.slice(0, 100));
    const lastMs = mean(ms.slice(-100));
    const perRun = heapMid ? (heapAfter - heapMid.bytes) / (RUNS - heapMid.runs) : 0;
    console.log(
      `soak: ${ms.length} runs; GPU ${buffers(begin.device)} after warm-up, ${buffers(last)} after the last run, ` +
        `${buffers(images.afterAll)} after ${IMAGE_RUNS} predictImage calls, ${buffers(freed)} after dispose; JS heap after GC ${mb(heapBefore)} → ${mb(heapMid?.bytes ?? NaN)} after ${heapMid?.runs} runs → ` +
        `${mb(heapAfter)} (${mb(heapAfter - heapBefore)}; second half ${perRun.toFixed(0)} bytes a run); ` +
        `ms per run: first 100 ${first.toFixed(2)}, last 100 ${lastMs.toFixed(2)} (×${(lastMs / first).toFixed(2)})`,
    );
    expect(ms).toHaveLength(RUNS);
    expect(mismatches).toBe(0);
    expect(images.afterAll, `live GPU objects after ${IMAGE_RUNS} predictImage calls`).toEqual(images.afterFirst);
    expect(images.mismatches).toBe(0);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_BOUND);
    expect(perRun, 'JS heap growth per run over the second half (bytes)').toBeLessThan(HEAP_PER_RUN_BOUND);
    expect(freed).toMatchObject({ liveBuffers: 0, liveBufferBytes: 0, liveTextures: 0, liveQuerySets: 0 });
  }, 600_000);

  it.each([
    [CYCLES, 'on one shared device', true],
    [OWN_CYCLES, 'each with a device of its own', false],
  ] as const)('%i load/dispose cycles %s: every GPU buffer freed each time, heap flat', async (cycles, _, shared) => {
    // One cycle first, so code and caches made once per page (shaders, the tune cache) are not counted.
    await call<CycleReport>('loadDisposeCycles', MODEL, 1, shared);
    const heapBefore = await heapAfterGc();
    const r = await call<CycleReport>('loadDisposeCycles', MODEL, cycles, shared);
    const heapAfter = await heapAfterGc();
    await call('releaseSharedDevice');
    console.log(
      `load/dispose ${shared ? 'shared device' : 'own device'}: ${r.ms.length} cycles; GPU ${buffers(r.before)} before, ` +
        `${buffers(r.after)} after; JS heap after GC ${mb(heapBefore)} → ${mb(heapAfter)} (${mb(heapAfter - heapBefore)}, ` +
        `${((heapAfter - heapBefore) / cycles).toFixed(0)} bytes a cycle); ` +
        `ms per cycle: first 10 ${mean(r.ms.slice(0, 10)).toFixed(0)}, last 10 ${mean(r.ms.slice(-10)).toFixed(0)}`,
    );
    expect(r.leakyCycles).toEqual([]);
    expect(r.after).toEqual({ ...r.before, createdBuffers: r.after.createdBuffers, destroyedBuffers: r.after.destroyedBuffers });
    expect(r.after.createdBuffers - r.before.createdBuffers).toBeGreaterThan(0); // the count saw the loads
    expect(r.differentOutputs).toBe(0);
    expect(r.firstOutput.every(Number.isFinite)).toBe(true);
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_BOUND);
  }, 600_000);
});
