/**
 * Concurrency in headless Chromium: calls in flight together on one model each get their own
 * input's answer (a plan's runs are queued, so no run reads another's buffers), the first calls on a
 * fresh model share one plan being compiled, batches of different sizes (two plans) interleave, and
 * two models on one caller-supplied device interleave without touching each other's results or the
 * device. Answers are compared with the same inputs run one at a time: exactly where the kernels
 * are the same, within 1e-5 where background autotuning may have swapped kernels between calls.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConcurrentReport, SharedDeviceReport } from '../browser/concurrency.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

const MALARIA = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));
const TINY = fileUrl(join(repoRoot, 'test/fixtures/formats/sequential/tfjs-f32/model.json'));

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/concurrency.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

/** Every concurrent answer equals (or, with `atol`, is within atol of) its input's one-at-a-time answer. */
function expectOwnAnswers(r: ConcurrentReport, atol = 0): void {
  expect(r.distinct, 'the inputs must give different answers, or a mix-up could not show').toBe(r.expected.length);
  expect(r.concurrent).toHaveLength(r.expected.length);
  r.concurrent.forEach((got, i) => {
    const want = r.expected[i];
    expect(got.length, `call ${i}`).toBe(want.length);
    const worst = Math.max(...got.map((v, j) => Math.abs(v - want[j])));
    expect(worst, `call ${i}: max |difference| from its own input's answer`).toBeLessThanOrEqual(atol);
  });
}

describe('concurrent calls', () => {
  it('16 predicts in flight on one model each get their own answer; so do first calls on a fresh model and mixed batch sizes', async () => {
    const r = await call<{ warm: ConcurrentReport; fresh: ConcurrentReport; mixed: ConcurrentReport }>('concurrentPredicts', MALARIA, 16);
    expectOwnAnswers(r.warm);
    // Winograd vs direct conv and split-K vs GEMM dense differ by rounding only (their own tests argue 1e-4 relative);
    // this model's outputs are O(1), so 1e-5 absolute still tells one input's answer from another's.
    expectOwnAnswers(r.fresh, 1e-5);
    expectOwnAnswers(r.mixed);
    expect(r.mixed.concurrent.slice(16).every((o) => o.length === 3)).toBe(true); // the batch-3 calls
  }, 300_000);

  it('two models on one supplied device, calls interleaved: right answers, and disposing one leaves the other and the device working', async () => {
    const r = await call<SharedDeviceReport>('sharedDevice', MALARIA, [1, 64, 64, 3], TINY, [1, 6, 6, 2], 8);
    expectOwnAnswers(r.a);
    expectOwnAnswers(r.b);
    expect(r.bAfterA).toEqual(r.b.expected);
    expect(r.deviceLost).toBe(false);
    expect(r.afterBoth).toMatchObject({ liveBuffers: 0, liveTextures: 0, liveQuerySets: 0 });
  }, 300_000);
});
