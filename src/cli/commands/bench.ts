/**
 * `mi bench [MODEL]` / `npm run bench`: our engine next to TF.js (WebGPU, WebGL, WASM backends) and
 * ONNX Runtime Web (WebGPU and WASM EPs, on our own ONNX export of the model) in ONE headless Chromium, same adapter, same page, same weights (one in-memory bundle both load),
 * plus adapter probes and our kernels' efficiency against them. Writes a markdown report (stdout,
 * and --doc FILE) and --json records. Only ratios measured in one run mean anything: SwiftShader is
 * a CPU, and a shared machine adds noise (the report states the load average).
 */
import { cpus, loadavg } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import type { PlanProfile } from '../../runtime/profile.ts';
import { formatTuning } from '../../runtime/profile-report.ts';
import { REPO_ROOT } from '../page-server.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';
import { openBenchSession, type BenchSession } from './bench-session.ts';
import { comparisonTable, efficiencyTable, memoryTable, summarise, type BenchRecord, type Probe } from './bench-report.ts';
import { autoTable, wasmTable, type AutoRecord } from './bench-wasm-report.ts';
import { parseVolumeRegion, VOLUME_BACKENDS, type VolumeReport } from './bench-volume-report.ts';
import { renderVolumeReport, runVolumeRow, volumeModelFile, volumeSummary } from './bench-volume.ts';

export const BENCH_HELP = `Usage: mi bench [MODEL] [options]

Times our engine (WebGPU, and its WebAssembly path: ours-wasm), TF.js (webgpu, webgl, wasm backends)
and ONNX Runtime Web (webgpu, wasm EPs, on an ONNX export of the same model, checked against our output
first) on the same weights in one headless Chromium (same adapter), with adapter probes (matrix product,
copy) and our kernels' efficiency; and which backend loadModel's 'auto' picks for each model here, and why.
Without MODEL: the standard suite (seed network batch 1 and 8, malaria ResNet .h5, bundled malaria CNN,
MobileNetV2 at 224, U-Net at 256, MeshNet model5 on a 64³ crop), then the whole-volume row: the shared
256³ T1 through segmentVolume (conform, tiled MeshNet, write-back) on ours and ours-wasm, against TF.js
WebGL running the same model the way brainchop does, with label agreement (report: bench-volume.md
beside --doc).

  --batch 1,8          batch sizes (MODEL only; default 1)
  --only TEXT          standard-suite models whose name contains TEXT (comma-separated: any of them);
                       'volume' selects the whole-volume row (--only volume: that row alone)
  --no-volume          leave the whole-volume row out
  --volume-model NAME  its MeshNet in ../shared/fixtures/models (default model5_gw_ae; model11…)
  --volume-region R    full (default), head (segmentVolume's crop) or N: an N³ sub-volume centred on
                       the head, the same voxels for every backend (for slow adapters)
  --volume-tile N      its tile edge for ours and ours-wasm (default: the largest the backend allows)
  --runtimes LIST      of ours,ours-wasm,tfjs-webgpu,tfjs-webgl,tfjs-wasm,ort-webgpu,ort-wasm (default all;
                       'auto' is reported per model whenever ours or ours-wasm runs)
  --runs N             steady-state runs per cell, at most (default 10)
  --budget-s S         steady-state seconds per cell: slow cells do fewer runs (at least 3, or 2 when
                       one run takes over half the budget, 1 over all of it; stated)
                       (default 10, which keeps the standard suite near 10 minutes on 2 CPU cores)
  --quick              3 runs, 6 s budget, smaller probes, a 64³ volume region: a smoke run
  --doc FILE.md        also write the report there (npm run bench writes docs/bench.md)
  --json FILE.json     one record per model x runtime x batch
  --runtime node       our engine only, under Dawn (see scripts/bench-node.ts): for real GPUs
`;

export const BENCH_OPTIONS = {
  batch: { type: 'string' },
  runtimes: { type: 'string' },
  only: { type: 'string' },
  runs: { type: 'string' },
  'budget-s': { type: 'string' },
  quick: { type: 'boolean' },
  doc: { type: 'string' },
  json: { type: 'string' },
  runtime: { type: 'string' },
  'no-volume': { type: 'boolean' },
  'volume-model': { type: 'string' },
  'volume-region': { type: 'string' },
  'volume-tile': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface BenchValues {
  batch?: string;
  runtimes?: string;
  only?: string;
  runs?: string;
  'budget-s'?: string;
  quick?: boolean;
  doc?: string;
  json?: string;
  runtime?: string;
  'no-volume'?: boolean;
  'volume-model'?: string;
  'volume-region'?: string;
  'volume-tile'?: string;
}

/**
 * Cells run in this order per model. ours-wasm runs right after ort-wasm: placed after our WebGPU
 * cell it met the page in another state (SwiftShader's threads and the heap that cell left) and
 * ran up to 2× slower than the same export in ORT a minute later, with p90s 2-5× its median.
 */
const RUNTIMES = ['ours', 'tfjs-webgpu', 'tfjs-webgl', 'tfjs-wasm', 'ort-webgpu', 'ort-wasm', 'ours-wasm'] as const;
type RuntimeId = (typeof RUNTIMES)[number];

export interface SuiteModel {
  name: string;
  /**
   * seed: the seed network's architecture, weights made in the page; file: a Keras/TF.js file; zoo: a
   * conformance-zoo architecture (test/fixtures/zoo/<name>/model.json) with its seeded weights made
   * in the page. inputShape (no batch) overrides the declared input for fully convolutional models.
   */
  spec: { kind: 'seed' | 'file' | 'zoo'; file: string; inputShape?: number[] };
  batches: number[];
}

const SHARED = resolve(REPO_ROOT, '../shared');
export const STANDARD_SUITE: SuiteModel[] = [
  { name: 'seed network 224×224×3', spec: { kind: 'seed', file: resolve(REPO_ROOT, 'test/fixtures/seed/model.json') }, batches: [1, 8] },
  { name: 'malaria ResNet (Keras 2 .h5)', spec: { kind: 'file', file: resolve(SHARED, 'fixtures/models/malaria-resnet-keras2-h5/malaria_model.h5') }, batches: [1] },
  { name: 'malaria CNN 64×64×3 (bundled)', spec: { kind: 'file', file: resolve(REPO_ROOT, 'weights/malaria-cnn/model.json') }, batches: [1, 8] },
  // The zoo's MobileNetV2 (α 1.0) is saved at 96×96 and the U-Net at any size: both are fully
  // convolutional up to their heads, and their seeded weights do not depend on the spatial size.
  {
    name: 'MobileNetV2 α1.0 224×224×3 (zoo, seeded weights)',
    spec: { kind: 'zoo', file: resolve(REPO_ROOT, 'test/fixtures/zoo/mobilenet_v2/model.json'), inputShape: [224, 224, 3] },
    batches: [1],
  },
  {
    name: 'U-Net 256×256×1 (zoo, seeded weights)',
    spec: { kind: 'zoo', file: resolve(REPO_ROOT, 'test/fixtures/zoo/unet/model.json'), inputShape: [256, 256, 1] },
    batches: [1],
  },
  // MeshNet is saved for 256³ volumes; it is fully convolutional, so a 64³ crop runs the same layers.
  {
    name: 'MeshNet model5 64³×1 (3-D, TF.js bundle)',
    spec: { kind: 'file', file: resolve(SHARED, 'fixtures/models/meshnet-model5_gw_ae-tfjs/model.json'), inputShape: [64, 64, 64, 1] },
    batches: [1],
  },
];

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);
const posInt = (text: string | undefined, name: string, dflt: number) => {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!(v > 0) || !Number.isFinite(v)) throw new UsageError(`${name} wants a positive number, got "${text}"`);
  return v;
};

export async function benchCommand(values: BenchValues, positionals: string[], io: CommandIO): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`at most one MODEL, got ${positionals.join(' ')}`);
  if (values.runtime === 'node') {
    const { benchNode } = await import('./bench-node.ts');
    return benchNode(values, positionals, io);
  }
  if (values.runtime && values.runtime !== 'chromium') throw new UsageError(`--runtime must be chromium or node, got "${values.runtime}"`);
  const runtimes = values.runtimes ? list(values.runtimes) : [...RUNTIMES];
  for (const r of runtimes) if (!(RUNTIMES as readonly string[]).includes(r)) throw new UsageError(`unknown runtime "${r}" (${RUNTIMES.join(', ')})`);
  const maxRuns = values.quick ? 3 : Math.round(posInt(values.runs, '--runs', 10));
  const budgetMs = 1000 * (values.quick ? 6 : posInt(values['budget-s'], '--budget-s', 10));
  let suite = STANDARD_SUITE;
  const onlyWords = values.only ? list(values.only).map((w) => w.toLowerCase()) : undefined;
  // The whole-volume row: with the standard suite, unless --no-volume or an --only without 'volume'.
  const withVolume = positionals.length === 0 && !values['no-volume'] && (!onlyWords || onlyWords.includes('volume'));
  if (onlyWords) {
    const wanted = onlyWords.filter((w) => w !== 'volume');
    suite = suite.filter((m) => wanted.some((w) => m.name.toLowerCase().includes(w)));
    if (suite.length === 0 && !withVolume) throw new UsageError(`--only ${values.only} matches no model of the standard suite`);
  }
  const volumeBackends = VOLUME_BACKENDS.filter((b) => runtimes.includes(b));
  const volumeRegion = parseVolumeRegion(values['volume-region'] ?? (values.quick ? '64' : undefined));
  const volumeTile = values['volume-tile'] === undefined ? undefined : Math.round(posInt(values['volume-tile'], '--volume-tile', 1));
  const volumeModel = values['volume-model'] ?? 'model5_gw_ae';
  if (withVolume) volumeModelFile(volumeModel); // an unknown name fails before Chromium starts
  if (positionals.length === 1) {
    let file = resolve(positionals[0]);
    if (!existsSync(file)) throw new CliError(`model file not found: ${positionals[0]}`);
    if (statSync(file).isDirectory()) file = join(file, 'model.json');
    const batches = (values.batch ? list(values.batch) : ['1']).map((b) => Math.round(posInt(b, '--batch', 1)));
    suite = [{ name: positionals[0], spec: { kind: 'file', file }, batches }];
  }

  const started = new Date();
  const session = await openBenchSession([SHARED, ...suite.map((m) => dirname(m.spec.file))].filter((p) => existsSync(p)));
  const records: BenchRecord[] = [];
  const autos: AutoRecord[] = [];
  const profiles: { model: string; profile: PlanProfile }[] = [];
  let probe: (Probe & { adapter: string }) | undefined;
  let volume: VolumeReport | undefined;
  let browserVersion = '';
  let tfVersion = '';
  let ortVersion = '';
  try {
    browserVersion = await session.page.browser().version();
    if (suite.length) {
      io.stderr('probing the adapter (matrix product, copy)...');
      probe = await session.call('bench.probes', values.quick ? 512 : 1024, values.quick ? 16 : 64);
    }
    for (const m of suite) {
      const key = m.name;
      const url = session.server.fileUrl(m.spec.file);
      const prep = await session
        .call<{ inputShape: number[]; params: number }>('bench.prepare', key, {
          ...(m.spec.kind === 'seed' ? { kind: 'seed', configUrl: url } : m.spec.kind === 'zoo' ? { kind: 'zoo', dirUrl: url.replace(/\/[^/]*$/, '') } : { kind: 'url', url }),
          inputShape: m.spec.inputShape,
        })
        .catch((err: Error) => err);
      for (const batch of m.batches) {
        for (const rt of runtimes as RuntimeId[]) {
          const base = { model: m.name, runtime: rt, batch, adapter: probe!.adapter };
          if (prep instanceof Error) {
            records.push({ ...base, error: `could not prepare the model: ${prep.message}` });
            continue;
          }
          io.stderr(`${m.name} batch ${batch}: ${rt}...`);
          records.push(await cell(session, key, rt, batch, budgetMs, maxRuns, base, profiles));
          const r = records[records.length - 1];
          if (r.runtime.startsWith('tfjs-') && !r.error && r.coldMs !== undefined) tfVersion ||= r.version ?? '';
          if (r.runtime.startsWith('ort-') && r.version) ortVersion ||= r.version;
        }
      }
      if (!(prep instanceof Error) && runtimes.some((r) => r === 'ours' || r === 'ours-wasm')) {
        io.stderr(`${m.name}: backend 'auto'...`);
        autos.push(await session.call<Omit<AutoRecord, 'model'>>('bench.auto', key).then(
          (a) => ({ model: m.name, ...a }),
          (err: Error) => ({ model: m.name, error: String(err.message ?? err).split('\n')[0] }),
        ));
      }
      await session.call('bench.drop', key);
    }
    if (withVolume && volumeBackends.length) volume = await runVolumeRow(session, { model: volumeModel, region: volumeRegion, tile: volumeTile, backends: volumeBackends }, io);
  } finally {
    await session.close();
  }
  // FLOPs are a property of the model: give every runtime's row the GFLOP/s our plan's count implies.
  for (const r of records) {
    const ours = records.find((o) => o.model === r.model && o.batch === r.batch && o.runtime === 'ours');
    if (ours?.flops && r.medianMs) r.gflops = ours.flops / (r.medianMs * 1e6);
  }
  if (probe) {
    const volumeLines = volumeSummary(volume, VOLUME_DOC);
    const report = renderReport({ started, probe, browserVersion, tfVersion, ortVersion, records, autos, profiles, maxRuns, budgetMs, volumeLines });
    for (const line of report) io.stdout(line);
    if (values.doc) await writeFile(values.doc, report.join('\n') + '\n');
  }
  if (volume) {
    const lines = renderVolumeReport(volume);
    for (const line of lines) io.stdout(line);
    // Its own file beside --doc, so `--only volume` does not overwrite the suite's report.
    if (values.doc) await writeFile(join(dirname(values.doc), VOLUME_DOC), lines.join('\n') + '\n');
  }
  if (values.json) {
    const json = records.map(({ model, runtime, batch, coldMs, coldTunedMs, tuneMs, medianMs, p10Ms, p90Ms, runs, gflops, peakBytes, activationBytes, liveBoundBytes, maxAbsDiff, outputScale, adapter, error }) =>
      ({ model, runtime, batch, coldMs, coldTunedMs, tuneMs, medianMs, p10Ms, p90Ms, runs, gflops, peakBytes, activationBytes, liveBoundBytes, maxAbsDiff, outputScale, adapter, error }));
    await writeFile(values.json, JSON.stringify(json, null, 1) + '\n');
  }
  const oursFailed = (r: { runtime?: string; backend?: string; error?: string }) => ((r.runtime ?? r.backend) === 'ours' || (r.runtime ?? r.backend) === 'ours-wasm') && !!r.error;
  return records.some(oursFailed) || (volume?.cells ?? []).some(oursFailed) ? 1 : 0;
}

/** The whole-volume row's report, written beside --doc. */
const VOLUME_DOC = 'bench-volume.md';

async function cell(
  session: BenchSession,
  key: string,
  rt: RuntimeId,
  batch: number,
  budgetMs: number,
  maxRuns: number,
  base: Omit<BenchRecord, 'coldMs'>,
  profiles: { model: string; profile: PlanProfile }[],
): Promise<BenchRecord> {
  try {
    if (rt === 'ours') {
      // Profile batch 1 only: the efficiency table is per kernel, and batch 1 is the case that matters.
      const r = await session.call<{
        coldMs: number; coldTunedMs?: number; tuneMs?: number; times: number[]; flops: number; peakBytes: number;
        activationBytes?: number; liveBoundBytes?: number; profile?: PlanProfile;
      }>('bench.ours', key, batch, budgetMs, maxRuns, batch === 1);
      if (r.profile) profiles.push({ model: `${base.model} b${batch}`, profile: r.profile });
      return {
        ...base, coldMs: r.coldMs, coldTunedMs: r.coldTunedMs, tuneMs: r.tuneMs, ...summarise(r.times), peakBytes: r.peakBytes,
        activationBytes: r.activationBytes, liveBoundBytes: r.liveBoundBytes, flops: r.flops,
      };
    }
    if (rt === 'ours-wasm') {
      // Checked against our WebGPU output like ORT's cells, and untimed when it differs.
      const r = await session.call<{ coldMs: number; times: number[]; maxAbsDiff?: number; outputScale?: number; mismatch?: string }>(
        'bench.oursWasm', key, batch, budgetMs, maxRuns);
      const checked = { maxAbsDiff: r.maxAbsDiff, outputScale: r.outputScale };
      if (r.mismatch) return { ...base, ...checked, error: r.mismatch };
      return { ...base, ...checked, coldMs: r.coldMs, ...summarise(r.times) };
    }
    if (rt.startsWith('ort-')) {
      // The page checks ORT's first result against ours and times nothing when they differ.
      const r = await session.call<{ coldMs: number; times: number[]; version: string; maxAbsDiff?: number; outputScale?: number; mismatch?: string }>(
        'bench.ort', key, rt.slice('ort-'.length), batch, budgetMs, maxRuns);
      const checked = { version: r.version, maxAbsDiff: r.maxAbsDiff, outputScale: r.outputScale };
      if (r.mismatch) return { ...base, ...checked, error: r.mismatch };
      return { ...base, ...checked, coldMs: r.coldMs, ...summarise(r.times) };
    }
    const backend = rt.slice('tfjs-'.length);
    const r = await session.call<{ coldMs: number; times: number[]; version: string }>('bench.tfjs', key, backend, batch, budgetMs, maxRuns);
    return { ...base, coldMs: r.coldMs, ...summarise(r.times), version: r.version };
  } catch (err) {
    // An exporter refusal reads "unsupported layer X (name)" in the cell, without the class name.
    return { ...base, error: String((err as Error).message ?? err).split('\n')[0].replace(/^OnnxUnsupportedError: /, '') };
  }
}

interface ReportInput {
  started: Date;
  probe: Probe & { adapter: string };
  browserVersion: string;
  tfVersion: string;
  ortVersion: string;
  records: BenchRecord[];
  autos: AutoRecord[];
  profiles: { model: string; profile: PlanProfile }[];
  maxRuns: number;
  budgetMs: number;
  /** Where the whole-volume row's report is, and its totals when it ran in this run. */
  volumeLines: string[];
}

function renderReport(x: ReportInput): string[] {
  const c = cpus();
  const load = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const fewer = x.records.filter((r) => r.runs !== undefined && r.runs < x.maxRuns);
  return [
    '# Benchmark: our engine vs TF.js and ONNX Runtime Web, same adapter, same page',
    '',
    `- date: ${x.started.toISOString()}`,
    `- adapter: ${x.probe.adapter} (every runtime below ran on it, in one headless ${x.browserVersion})`,
    ...(x.records.some((r) => r.runtime.startsWith('tfjs-'))
      ? [`- TF.js: ${x.tfVersion || '?'} (tfjs + tfjs-backend-webgpu/-wasm; WebGL via --enable-unsafe-swiftshader; WASM single-threaded SIMD, the page is not cross-origin isolated)`]
      : []),
    ...(x.records.some((r) => r.runtime.startsWith('ort-'))
      ? [
          `- ONNX Runtime Web: ${x.ortVersion || '?'} (onnxruntime-web: ort.webgpu build for the WebGPU EP, which requests its own device on the same adapter; ort.wasm build for the WASM EP, one thread). ` +
            "It runs the product's ONNX export (src/onnx, as mi convert writes it) of the same model after our graph passes (channels-first inside, opset 17, static batch), and each cell's first result is checked against ours before timing (max abs diff ≤ 1e-3 × max |ours|, see the check table)",
        ]
      : []),
    `- machine: ${c.length} × ${c[0]?.model ?? '?'}, load average ${load} (1/5/15 min) at the end: shared with other jobs, so read ratios, not absolute times`,
    `- settings: up to ${x.maxRuns} steady-state runs per cell within ${x.budgetMs / 1000} s (at least 3, or 2 when one run takes over half of that, 1 when it takes all of it)${fewer.length ? `; fewer runs in ${fewer.length} slow cell(s), see the runs column` : ''}`,
    '- cold start: load from the in-memory bundle → first result read back (compilation included; ours on a fresh device with an empty autotuning cache: the first result uses the built-in kernel rules and autotuning then measures in the background, its time shown as \"tuning\"; \"tuned\": a second fresh device with the first load\'s choices remembered, as on every later page load). Steady state is timed after tuning has finished. Steady state: upload input → predict → read back.',
    '- GFLOP/s: our plan\'s FLOP count for the model / median time (the same count for every runtime). Planned GPU MB: ours only (activation peak + weights).',
    '',
    '## Adapter probes',
    '',
    `- matrix product ${x.probe.matmul.n}³ (bench/probes/matmul.wgsl, register-blocked 4×4): **${x.probe.matmul.gflops.toFixed(2)} GFLOP/s** (${x.probe.matmul.timer}, best of 3)`,
    `- copy ${x.probe.copy.mb} MiB (bench/probes/copy.wgsl, vec4): **${x.probe.copy.gbps.toFixed(2)} GB/s** read+write (${x.probe.copy.timer}, best of 3)`,
    '',
    '## Models × runtimes',
    '',
    ...comparisonTable(x.records),
    '',
    ...ortCheckTable(x.records),
    ...wasmTable(x.records),
    ...autoTable(x.autos),
    ...x.volumeLines,
    '## Our kernels against the probes (profiler, batch 1, one profiled run)',
    '',
    ...efficiencyTable(x.profiles, x.probe),
    '',
    'Bytes are estimates (every bound buffer read or written once), so GB/s is a lower bound for kernels that re-read their inputs.',
    'Winograd steps count the direct convolution\'s FLOPs (what the layer computes), so their GFLOP/s is effective and can exceed the probe.',
    '',
    '## Autotuning decisions (batch 1, first load, empty cache)',
    '',
    '```',
    ...x.profiles.flatMap(({ model, profile }) => {
      const lines = formatTuning(profile);
      return lines.length ? [`${model}:`, ...lines] : [`${model}: nothing to tune`];
    }),
    '```',
    '',
    '## Our activation memory (planned) against what must be alive at once',
    '',
    ...memoryTable(x.records),
    '',
    'The bound is the most bytes of tensors (and kernel scratch) alive at any one step; for a chain it is the two largest adjacent tensors. One buffer per slot (WebGPU forbids reading and writing one buffer in a dispatch, so tensors cannot share an arena freely) keeps U-Nets above it: their skip tensors each pin a slot.',
    '',
    '## How to read this on SwiftShader',
    '',
    'SwiftShader is a CPU implementation of Vulkan: every WebGPU and WebGL column here is GPU code emulated on the CPU cores, while',
    "TF.js's WASM backend runs XNNPACK's native SIMD kernels on the same cores, so WASM winning here says nothing about a real GPU.",
    'The comparison that matters for the engine is against the other WebGPU implementation (tfjs-webgpu) on the same adapter,',
    'and, on a machine with a GPU, `npm run bench:node` or this benchmark in a browser with hardware WebGPU.',
    '',
    'Reproduce: `npm run bench` (this file), `mi bench MODEL --batch 1,8 --json out.json`, `npm run bench -- --quick`. On a machine with a real GPU under Node/Dawn: `npm run bench:node` (ours only, see scripts/bench-node.ts).',
  ];
}

/** ORT and ours-wasm cells: their first result against ours (the cell fails, untimed, beyond 1e-3 of the output scale). */
function ortCheckTable(records: readonly BenchRecord[]): string[] {
  const rows = records.filter((r) => r.runtime.startsWith('ort-') || r.runtime === 'ours-wasm');
  if (rows.length === 0) return [];
  const e = (v: number | undefined) => (v === undefined ? '–' : v.toExponential(2));
  return [
    '## ONNX Runtime Web and our WebAssembly path: output checked against ours (same input)',
    '',
    '| model | batch | runtime | max abs diff | max abs of ours | verdict |',
    '|---|---:|---|---:|---:|---|',
    ...rows.map((r) => {
      const verdict = r.maxAbsDiff === undefined ? `not run: ${(r.error ?? '').replace(/\|/g, '/').slice(0, 120)}` : r.error ? 'differs: not timed' : 'agrees';
      return `| ${r.model} | ${r.batch} | ${r.runtime} | ${e(r.maxAbsDiff)} | ${e(r.outputScale)} | ${verdict} |`;
    }),
    '',
  ];
}
