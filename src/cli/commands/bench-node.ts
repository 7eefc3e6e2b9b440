/**
 * `mi bench --runtime node` (scripts/bench-node.ts): our engine alone under Node with Dawn (npm
 * `webgpu`), for machines with a real GPU where TF.js's browser backends are not the question.
 * Same suite, cold start and steady-state statistics as the Chromium benchmark, plus the profile.
 * Dawn picks the system's Vulkan/Metal/D3D12 driver; without one it falls back to SwiftShader.
 */
import { tmpdir } from 'node:os';
import { writeFile } from 'node:fs/promises';
import type { PlanProfile } from '../../runtime/profile.ts';
import { formatLayerTable, formatTuning } from '../../runtime/profile-report.ts';
import type { CommandIO } from './cli-error.ts';
import { STANDARD_SUITE, type BenchValues, type SuiteModel } from './bench.ts';
import { comparisonTable, summarise, type BenchRecord } from './bench-report.ts';

async function sourceOf(m: SuiteModel): Promise<unknown> {
  const { readModelFiles } = await import('../../formats/node-files.ts');
  if (m.spec.kind === 'file') return readModelFiles(m.spec.file);
  const { readFile } = await import('node:fs/promises');
  // The seed network's weights are regenerated from its PRNG (test/util/prng.ts), as in the page.
  const { seedNetworkBundle } = await import('../../../test/util/prng.ts');
  return seedNetworkBundle(JSON.parse(await readFile(m.spec.file, 'utf8')));
}

export async function benchNode(values: BenchValues, positionals: string[], io: CommandIO): Promise<number> {
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const { loadModel, nodeGpu, readKerasModel } = await import('./bench-node-deps.ts');
  const gpu = await nodeGpu();
  const maxRuns = values.quick ? 3 : Number(values.runs ?? 10);
  const budgetMs = 1000 * (values.quick ? 6 : Number(values["budget-s"] ?? 10));
  const suite = positionals.length ? [{ name: positionals[0], spec: { kind: 'file' as const, file: positionals[0] }, batches: (values.batch ?? '1').split(',').map(Number) }]
    // Zoo models and input-shape overrides are built in the benchmark page only.
    : STANDARD_SUITE.filter((m) => m.spec.kind !== 'zoo' && !m.spec.inputShape);
  const records: BenchRecord[] = [];
  const profiles: { model: string; profile: PlanProfile }[] = [];
  let adapter = '';
  for (const m of suite) {
    const keras = await readKerasModel((await sourceOf(m)) as never);
    const inner = keras.inputShapes[0].slice(1) as number[];
    for (const batch of m.batches) {
      const shape = [batch, ...inner];
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 2654435761) >>> 0) / 4294967296);
      try {
        const t0 = performance.now();
        // Compiled during load: a plan first made at run time has crashed Dawn (npm webgpu 0.6).
        const model = await loadModel((await sourceOf(m)) as never, { gpu, backend: 'webgpu', inputShape: shape });
        adapter = model.adapterName;
        try {
          await model.predict({ shape, data });
          const coldMs = performance.now() - t0;
          // Autotuning measures after the first result (in the background): time the tuned plan.
          const tuning = await model.whenTuned([shape]);
          const times: number[] = [];
          for (let i = 0; i < maxRuns; i++) {
            const t = performance.now();
            await model.predict({ shape, data });
            times.push(performance.now() - t);
            if (i >= 2 && times.reduce((a, b) => a + b, 0) > budgetMs) break;
          }
          const plan = await model.prepare([shape]);
          const s = summarise(times);
          records.push({ model: m.name, runtime: 'ours (node/Dawn)', batch, adapter, coldMs, tuneMs: tuning?.spentMs, ...s, gflops: plan.flops / (s.medianMs! * 1e6), peakBytes: plan.peakActivationBytes + plan.constantBytes });
          if (batch === 1) profiles.push({ model: m.name, profile: await model.profile({ shape, data }, { repeats: 1, warmup: 0 }) });
        } finally {
          await model.dispose();
        }
      } catch (err) {
        records.push({ model: m.name, runtime: 'ours (node/Dawn)', batch, adapter, error: String((err as Error).message ?? err) });
      }
    }
  }
  const lines = [`# Benchmark under Node/Dawn (${new Date().toISOString()}, adapter: ${adapter})`, '', ...comparisonTable(records), ''];
  for (const p of profiles) lines.push(`## ${p.model}`, '', '```', ...formatLayerTable(p.profile, 15), ...formatTuning(p.profile), '```', '');
  for (const l of lines) io.stdout(l);
  if (values.doc) await writeFile(values.doc, lines.join('\n') + '\n');
  if (values.json) await writeFile(values.json, JSON.stringify(records, null, 1) + '\n');
  return records.some((r) => r.error) ? 1 : 0;
}
