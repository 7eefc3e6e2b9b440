/**
 * Turns a PlanProfile into what people read: a per-layer table (time, share, GFLOP/s, GB/s, kernel
 * variant) and a Chrome trace (the JSON Object Format of the Trace Event spec) that Perfetto and
 * chrome://tracing open. Pure functions, no GPU: unit-tested in Node.
 */
import type { PlanProfile, StepProfile } from './profile.ts';

export interface LayerProfile {
  layer: string;
  /** Steps (kernels) of this layer, in plan order. */
  steps: number;
  /** Sum of the layer's step times in ms; undefined without timestamps. */
  ms?: number;
  /** ms / profile total (0..1); undefined without timestamps. */
  share?: number;
  flops: number;
  bytes: number;
  gflops?: number;
  gbps?: number;
  /** The kernel variants: `shader+files{override=value,...}`, one per distinct step kernel. */
  variants: string[];
}

/** `conv2d_grouped.wgsl+act.wgsl{TILE=8,ACT=1}`: identifies the kernel variant a step ran. */
export function variantOf(step: Pick<StepProfile, 'shader' | 'constants'>): string {
  const c = Object.entries(step.constants)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  return step.shader.join('+') + (c.length ? `{${c.join(',')}}` : '');
}

/** Sums steps per layer (graph node), in the order layers first appear. */
export function aggregateByLayer(profile: PlanProfile): LayerProfile[] {
  const byLayer = new Map<string, LayerProfile>();
  const timed = profile.source === 'timestamp-query';
  for (const s of profile.steps) {
    let l = byLayer.get(s.layer);
    if (!l) {
      l = { layer: s.layer, steps: 0, ms: timed ? 0 : undefined, flops: 0, bytes: 0, variants: [] };
      byLayer.set(s.layer, l);
    }
    l.steps++;
    l.flops += s.flops;
    l.bytes += s.bytes;
    if (timed) l.ms! += s.ms ?? 0;
    const v = variantOf(s);
    if (!l.variants.includes(v)) l.variants.push(v);
  }
  const layers = [...byLayer.values()];
  if (timed) {
    for (const l of layers) {
      l.share = profile.totalMs > 0 ? l.ms! / profile.totalMs : 0;
      // Rates need a time the timer could resolve; a 0 ms step has no meaningful rate.
      if (l.ms! > 0) {
        l.gflops = l.flops / (l.ms! * 1e6);
        l.gbps = l.bytes / (l.ms! * 1e6);
      }
    }
  }
  return layers;
}

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, string>;
}

/**
 * The profile as a Chrome trace: one complete ('X') event per step on one track, `ts`/`dur` in µs
 * from the first step's start, with the layer, kernel variant, FLOPs and bytes as args. Without
 * timestamps, one event for the whole run (its wall time).
 */
export function toChromeTrace(profile: PlanProfile): ChromeTrace {
  const pid = 1;
  const tid = 1;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid, tid, args: { name: 'mi engine' } },
    { name: 'thread_name', ph: 'M', pid, tid, args: { name: `GPU: ${profile.adapter}` } },
  ];
  if (profile.source === 'timestamp-query') {
    for (const s of profile.steps) {
      events.push({
        name: s.label,
        cat: s.shader[s.shader.length - 1] ?? 'kernel',
        ph: 'X',
        pid,
        tid,
        ts: round3((s.startMs ?? 0) * 1e3),
        dur: round3((s.ms ?? 0) * 1e3),
        args: { layer: s.layer, variant: variantOf(s), dispatch: s.dispatch.join('x'), flops: s.flops, bytes: s.bytes },
      });
    }
  } else {
    events.push({ name: 'run (CPU wall time)', cat: 'run', ph: 'X', pid, tid, ts: 0, dur: round3(profile.totalMs * 1e3), args: { note: profile.note } });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      adapter: profile.adapter,
      source: profile.source,
      inputShapes: profile.inputShapes.map((s) => s.join('x')).join(','),
      repeats: String(profile.repeats),
    },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const fmt = (x: number | undefined, digits: number) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

/** A plain-text table, heaviest layers first (top `limit`; 0 for all), with a total line. */
export function formatLayerTable(profile: PlanProfile, limit = 0): string[] {
  const layers = aggregateByLayer(profile);
  const sorted = profile.source === 'timestamp-query' ? [...layers].sort((a, b) => b.ms! - a.ms!) : layers;
  const shown = limit > 0 ? sorted.slice(0, limit) : sorted;
  const rows = shown.map((l) => [
    l.layer,
    fmt(l.ms, 3),
    l.share === undefined ? '-' : `${(l.share * 100).toFixed(1)}%`,
    fmt(l.flops / 1e9, 3),
    fmt(l.gflops, 1),
    fmt(l.bytes / 1e6, 2),
    fmt(l.gbps, 2),
    l.variants.join(' '),
  ]);
  const head = ['layer', 'ms', 'share', 'GFLOP', 'GFLOP/s', 'MB', 'GB/s', 'kernel'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [line(head), ...rows.map(line)];
  if (shown.length < layers.length) out.push(`... ${layers.length - shown.length} more layers`);
  const flops = layers.reduce((a, l) => a + l.flops, 0);
  const total = profile.totalMs;
  out.push(
    `total ${total.toFixed(3)} ms (${profile.source === 'timestamp-query' ? 'GPU time, sum of steps' : 'CPU wall time per run'}), ` +
      `${(flops / 1e9).toFixed(3)} GFLOP, ${fmt(total > 0 ? flops / (total * 1e6) : undefined, 1)} GFLOP/s` +
      (profile.wallMs !== undefined && profile.source === 'timestamp-query' ? `; whole run wall time ${profile.wallMs.toFixed(1)} ms` : ''),
  );
  if (profile.note) out.push(`note: ${profile.note}`);
  return out;
}

/**
 * One line per autotuning decision: the layer (and how many share it), each candidate's measured
 * time, the choice and where it came from. Empty when nothing was tunable.
 */
export function formatTuning(profile: PlanProfile): string[] {
  const t = profile.tuning;
  if (!t || t.decisions.length === 0) return [];
  const out = [`autotuning (${t.timer}, ${t.spentMs.toFixed(0)} ms spent at load):`];
  for (const d of t.decisions) {
    const times = d.candidates.map((c) => `${c.label}${c.ms === undefined ? '' : ` ${c.ms.toFixed(2)} ms`}`).join(', ');
    out.push(`  ${d.node}${d.nodes > 1 ? ` (+${d.nodes - 1} alike)` : ''}: ${d.chosen} [${d.source}] of ${times}`);
  }
  return out;
}
