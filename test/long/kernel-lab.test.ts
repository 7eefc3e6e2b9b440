/**
 * `npm run bench:kernels -- <op>[,<op>…]` (scripts/bench-kernels.ts sets MI_KERNEL_LAB): the kernel
 * lab of bench/kernels on its realistic shapes, in the test page's headless Chromium; writes
 * docs/kernels/<op>.md. Every variant must validate against the CPU reference; times are reported,
 * never asserted.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { LAB_OPS } from '../../bench/kernels/index.ts';
import { labReport, openLab, probes, runLab } from '../../bench/kernels/lab.ts';
import { repoRoot } from '../util/fixtures.ts';
import { gpuPage } from '../util/gpu.ts';
import { currentCommit } from '../util/record-correctness.ts';

const ops = (process.env.MI_KERNEL_LAB ?? Object.keys(LAB_OPS).join(',')).split(',').filter(Boolean);
const REPEATS = Number(process.env.MI_KERNEL_LAB_REPEATS ?? 5);

describe('kernel lab', () => {
  for (const name of ops) {
    it(name, { timeout: 3600_000 }, async () => {
      const op = LAB_OPS[name];
      if (!op) throw new Error(`no kernel lab for "${name}"; there are: ${Object.keys(LAB_OPS).join(', ')}`);
      const page = await gpuPage();
      await openLab(page);
      const probe = await probes(page);
      const results = await runLab(page, op, op.shapes, REPEATS, (l) => console.log(l));
      // The load says how far to trust the times: SwiftShader's GPU is these same cores.
      const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end`;
      mkdirSync(join(repoRoot, 'docs/kernels'), { recursive: true });
      writeFileSync(join(repoRoot, 'docs/kernels', `${name}.md`), labReport(op, results, probe, new Date().toISOString().slice(0, 10), currentCommit(), machine));
      expect(results.filter((r) => !r.ok).map((r) => `${r.shape} [${r.variant}]: ${r.problem}`)).toEqual([]);
    });
  }
});
