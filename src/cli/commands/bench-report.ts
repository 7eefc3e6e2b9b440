/**
 * Benchmark records and their reports: statistics over the timed runs, the comparison table (with
 * each peer's time as a ratio to ours, measured in the same page on the same adapter), and the
 * kernel-efficiency table (our kernels' GFLOP/s and GB/s against the adapter probes). Pure: no GPU.
 */
import type { PlanProfile } from '../../runtime/profile.ts';

export interface BenchRecord {
  model: string;
  runtime: string;
  batch: number;
  /** Load (from the in-memory bundle) → first result read back, compilation included. */
  coldMs?: number;
  medianMs?: number;
  p10Ms?: number;
  p90Ms?: number;
  runs?: number;
  /** Model FLOPs (our plan's estimate, the same for every runtime) / median time. */
  gflops?: number;
  /** Ours only: planned activation peak + weights. */
  peakBytes?: number;
  /** Ours only: cold start on a fresh device with the first load's autotuning choices remembered. */
  coldTunedMs?: number;
  /** Ours only: wall time autotuning spent measuring in the background after the first result. */
  tuneMs?: number;
  /** Ours only: planned activation bytes, and the most bytes alive at one step. */
  activationBytes?: number;
  liveBoundBytes?: number;
  /** Ours only: our plan's model FLOPs (every runtime's GFLOP/s is computed from it). */
  flops?: number;
  /** Peers: the runtime's version. */
  version?: string;
  /** ORT only: largest |ORT − ours| over the first result, and ours' largest |value|. */
  maxAbsDiff?: number;
  outputScale?: number;
  adapter: string;
  error?: string;
}

export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function summarise(times: readonly number[]): Pick<BenchRecord, 'medianMs' | 'p10Ms' | 'p90Ms' | 'runs'> {
  return { medianMs: quantile(times, 0.5), p10Ms: quantile(times, 0.1), p90Ms: quantile(times, 0.9), runs: times.length };
}

const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const ms = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "ours 3.2× faster" / "ours 1.5× slower" from the peer's median over ours. */
export function ratioText(ours: number | undefined, peer: number | undefined): string {
  if (!ours || !peer) return '–';
  const r = peer / ours;
  return r >= 1 ? `ours ${r.toFixed(2)}× faster` : `ours ${(1 / r).toFixed(2)}× slower`;
}

/** Markdown comparison table, one row per model × batch × runtime. */
export function comparisonTable(records: readonly BenchRecord[]): string[] {
  const out = [
    '| model | batch | runtime | cold start ms | median ms | p10–p90 ms | runs | GFLOP/s | planned GPU MB | peer vs ours (steady; cold) |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of records) {
    const ours = records.find((o) => o.model === r.model && o.batch === r.batch && o.runtime === 'ours');
    if (r.error) {
      out.push(`| ${r.model} | ${r.batch} | ${r.runtime} | failed: ${r.error.replace(/\|/g, '/').slice(0, 160)} | | | | | | |`);
      continue;
    }
    const vs = r.runtime === 'ours' ? '(reference)' : !ours ? '–' : `${ratioText(ours.medianMs, r.medianMs)}; cold ${ratioText(ours.coldMs, r.coldMs).replace('ours ', '')}`;
    const cold = r.coldTunedMs === undefined ? ms(r.coldMs) : `${ms(r.coldMs)}; tuned ${ms(r.coldTunedMs)} (tuning ${ms(r.tuneMs)} after the first)`;
    out.push(
      `| ${r.model} | ${r.batch} | ${r.runtime} | ${cold} | ${ms(r.medianMs)} | ${ms(r.p10Ms)}–${ms(r.p90Ms)} | ${r.runs ?? '–'} | ` +
        `${f(r.gflops, 2)} | ${r.peakBytes === undefined ? '–' : f(r.peakBytes / 2 ** 20, 1)} | ${vs} |`,
    );
  }
  return out;
}

/** Ours: planned activation memory against the most bytes alive at one step, per model × batch. */
export function memoryTable(records: readonly BenchRecord[]): string[] {
  const out = ['| model | batch | planned activations MB | most alive at one step MB | ratio |', '|---|---:|---:|---:|---:|'];
  for (const r of records) {
    if (r.runtime !== 'ours' || !r.activationBytes || !r.liveBoundBytes) continue;
    out.push(`| ${r.model} | ${r.batch} | ${f(r.activationBytes / 2 ** 20, 2)} | ${f(r.liveBoundBytes / 2 ** 20, 2)} | ${f(r.activationBytes / r.liveBoundBytes, 3)} |`);
  }
  return out;
}

export interface Probe {
  matmul: { n: number; gflops: number; timer: string };
  copy: { mb: number; gbps: number; timer: string };
}

/** Our kernels grouped by WGSL kernel file over every profiled model: GFLOP/s and GB/s vs the probes. */
export function efficiencyTable(profiles: readonly { model: string; profile: PlanProfile }[], probe: Probe): string[] {
  const out = [
    `| model | kernel | steps | GPU ms | share | GFLOP/s | % of matmul probe | GB/s | % of copy probe |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { model, profile } of profiles) {
    if (profile.source !== 'timestamp-query') {
      out.push(`| ${model} | (no timestamps: ${profile.note ?? ''}) | | | | | | | |`);
      continue;
    }
    const byKernel = new Map<string, { steps: number; ms: number; flops: number; bytes: number }>();
    for (const s of profile.steps) {
      const k = s.shader[s.shader.length - 1] ?? '?';
      const e = byKernel.get(k) ?? { steps: 0, ms: 0, flops: 0, bytes: 0 };
      e.steps++;
      e.ms += s.ms ?? 0;
      e.flops += s.flops;
      e.bytes += s.bytes;
      byKernel.set(k, e);
    }
    for (const [k, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms)) {
      const gflops = e.ms > 0 ? e.flops / (e.ms * 1e6) : undefined;
      const gbps = e.ms > 0 ? e.bytes / (e.ms * 1e6) : undefined;
      out.push(
        `| ${model} | ${k} | ${e.steps} | ${ms(e.ms)} | ${f((100 * e.ms) / profile.totalMs, 1)}% | ${f(gflops, 2)} | ` +
          `${gflops === undefined || e.flops === 0 ? '–' : f((100 * gflops) / probe.matmul.gflops, 1) + '%'} | ${f(gbps, 3)} | ` +
          `${gbps === undefined ? '–' : f((100 * gbps) / probe.copy.gbps, 1) + '%'} |`,
      );
    }
  }
  return out;
}
