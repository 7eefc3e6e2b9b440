/**
 * The profiler on the real adapter (SwiftShader in the shared headless Chromium): profiles the
 * bundled malaria CNN and checks that every layer with a kernel appears with a time >= 0, that the
 * layer times add up to the total, and that the trace has one event per step. Wall-clock values
 * are never asserted (the machine is shared and SwiftShader is a CPU).
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { PageApi } from '../../src/cli/page/page.ts';
import { toWire } from '../../src/cli/wire.ts';
import type { PlanProfile } from '../../src/runtime/profile.ts';
import { aggregateByLayer, toChromeTrace } from '../../src/runtime/profile-report.ts';
import { repoRoot } from '../util/fixtures.ts';
import { gpuPage, loadModelInPage } from '../util/gpu.ts';
import { randomTensor } from '../util/random.ts';

type Win = { mi: PageApi };

describe('profile (GPU)', () => {
  it('times every layer of the malaria CNN and the layers add up to the total', async () => {
    const model = await loadModelInPage(resolve(repoRoot, 'weights/malaria-cnn/model.json'), { inputShape: [2, 64, 64, 3] });
    try {
      const page = await gpuPage();
      const hasTs = await page.evaluate(() => (globalThis as unknown as Win).mi.hasTimestampQuery());
      const input = toWire(randomTensor([2, 64, 64, 3], 7, 0, 255));
      const r = await page.evaluate(
        (h, x) => (globalThis as unknown as Win).mi.profile(h, [x], { repeats: 2 }),
        model.handle,
        input,
      );
      if ('error' in r) throw new Error(r.error.message);
      const profile = r as PlanProfile;
      // SwiftShader exposes 'timestamp-query': the GPU path must be the one taken here.
      expect(hasTs).toBe(true);
      expect(profile.source).toBe('timestamp-query');
      expect(profile.steps.length).toBeGreaterThan(0);
      const layers = aggregateByLayer(profile);
      const kernelLayers = new Set(profile.steps.map((s) => s.layer));
      // Every conv/pool/dense layer of the model has at least one step (Flatten/Dropout alias buffers).
      for (const l of model.info.layers.filter((l) => /Conv2D|MaxPooling2D|Dense/.test(l.kerasClass))) {
        expect([...kernelLayers].some((k) => k === l.name || k.startsWith(`${l.name}`)), l.name).toBe(true);
      }
      for (const l of layers) {
        expect(l.ms, l.layer).toBeGreaterThanOrEqual(0);
        expect(l.flops, l.layer).toBeGreaterThanOrEqual(0);
        expect(l.bytes, l.layer).toBeGreaterThan(0);
        expect(l.variants.length).toBeGreaterThan(0);
      }
      const sum = layers.reduce((a, l) => a + l.ms!, 0);
      expect(Math.abs(sum - profile.totalMs)).toBeLessThanOrEqual(1e-9 + 1e-9 * profile.totalMs);
      const shares = layers.reduce((a, l) => a + l.share!, 0);
      if (profile.totalMs > 0) expect(shares).toBeCloseTo(1, 6);
      const steps = profile.steps;
      // Steps run in order on one queue: each starts no earlier than the one before it.
      for (let i = 1; i < steps.length; i++) expect(steps[i].startMs!).toBeGreaterThanOrEqual(steps[i - 1].startMs! - 1e-6);
      const trace = toChromeTrace(profile);
      expect(trace.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(steps.length);
      // The plain run still works after profiling (no state left behind).
      const [out] = await model.run([randomTensor([2, 64, 64, 3], 8, 0, 255)]);
      expect(out.shape[0]).toBe(2);
    } finally {
      await model.dispose();
    }
  });
});
