/**
 * The kernel lab (bench/kernels, `npm run bench:kernels`) on each op's tiny shapes: every variant of
 * every op validates against the CPU reference, and the kernel files that ran are exactly the ones
 * the variant names, so the lab (and its docs/kernels pages) cannot drift from the op modules.
 * No timing is asserted.
 */
import { describe, expect, it } from 'vitest';
import { LAB_OPS } from '../../bench/kernels/index.ts';
import { openLab, runLab } from '../../bench/kernels/lab.ts';
import { gpuPage } from '../util/gpu.ts';

describe('kernel lab on tiny shapes', () => {
  for (const op of Object.values(LAB_OPS)) {
    it(`${op.op}: every variant validates and runs its own shaders`, async () => {
      const page = await gpuPage();
      await openLab(page);
      const results = await runLab(page, op, op.tiny, 1);
      expect(results.filter((r) => !r.ok).map((r) => `${r.shape} [${r.variant}]: ${r.problem}`)).toEqual([]);
      // Every variant the op defines ran on some tiny shape.
      expect(new Set(results.map((r) => r.variant))).toEqual(new Set(op.variants.map((v) => v.name)));
      for (const r of results) expect(r.ms, `${r.shape} [${r.variant}] GPU time`).toBeGreaterThan(0);
    });
  }
});
