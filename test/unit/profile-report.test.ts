/** Per-layer aggregation and the Chrome trace shape of a profile (no GPU). */
import { describe, expect, it } from 'vitest';
import { aggregateByLayer, formatLayerTable, formatTuning, toChromeTrace, variantOf } from '../../src/runtime/profile-report.ts';
import type { PlanProfile, StepProfile } from '../../src/runtime/profile.ts';

function step(label: string, ms: number, startMs: number, flops: number, bytes: number, constants: Record<string, number> = {}): StepProfile {
  return { label, layer: label.split('/')[0], shader: ['act.wgsl', 'conv2d_grouped.wgsl'], constants, dispatch: [4, 2, 1], flops, bytes, ms, startMs };
}

const profile: PlanProfile = {
  source: 'timestamp-query',
  adapter: 'google swiftshader',
  inputShapes: [[1, 8, 8, 3]],
  repeats: 3,
  steps: [
    step('conv1/conv2d', 2, 0, 4e6, 1e6, { TILE: 8, ACT: 1 }),
    step('conv1/bias', 1, 2.5, 0, 5e5),
    step('dense/dense', 1, 4, 2e6, 2e6),
  ],
  totalMs: 4,
};

describe('profile aggregation', () => {
  it('sums steps per layer in first-seen order, with shares, rates and variants', () => {
    const layers = aggregateByLayer(profile);
    expect(layers.map((l) => l.layer)).toEqual(['conv1', 'dense']);
    const [conv, dense] = layers;
    expect(conv.steps).toBe(2);
    expect(conv.ms).toBe(3);
    expect(conv.share).toBeCloseTo(0.75, 12);
    expect(dense.share).toBeCloseTo(0.25, 12);
    expect(conv.flops).toBe(4e6);
    expect(conv.bytes).toBe(1.5e6);
    // 4e6 FLOP in 3 ms = 1.333 GFLOP/s; 2e6 B in 1 ms = 2 GB/s.
    expect(conv.gflops).toBeCloseTo(4e6 / 3e6, 12);
    expect(dense.gbps).toBeCloseTo(2, 12);
    expect(conv.variants).toEqual(['act.wgsl+conv2d_grouped.wgsl{ACT=1,TILE=8}', 'act.wgsl+conv2d_grouped.wgsl']);
    expect(layers.reduce((a, l) => a + l.ms!, 0)).toBe(profile.totalMs);
  });

  it('has no times, shares or rates without timestamps', () => {
    const cpu: PlanProfile = { ...profile, source: 'cpu-wall', steps: profile.steps.map((s) => ({ ...s, ms: undefined, startMs: undefined })), note: 'no timestamp-query' };
    const layers = aggregateByLayer(cpu);
    expect(layers.every((l) => l.ms === undefined && l.share === undefined && l.gflops === undefined)).toBe(true);
    const table = formatLayerTable(cpu);
    expect(table.at(-1)).toBe('note: no timestamp-query');
    expect(table.some((l) => l.includes('CPU wall time per run'))).toBe(true);
  });

  it('orders the table by time and keeps a total line', () => {
    const table = formatLayerTable(profile);
    expect(table[0]).toMatch(/^layer\s+ms\s+share/);
    expect(table[1]).toMatch(/^conv1\s+3\.000\s+75\.0%/);
    expect(table.at(-1)).toMatch(/^total 4\.000 ms \(GPU time, sum of steps\), 0\.006 GFLOP, 1\.5 GFLOP\/s/);
  });

  it('names a kernel variant by its files and sorted overrides', () => {
    expect(variantOf({ shader: ['pool2d.wgsl'], constants: {} })).toBe('pool2d.wgsl');
    expect(variantOf({ shader: ['a.wgsl', 'b.wgsl'], constants: { WG: 64, A: 2 } })).toBe('a.wgsl+b.wgsl{A=2,WG=64}');
  });
});

describe('Chrome trace', () => {
  it('has metadata, then one complete event per step on one track, in µs', () => {
    const trace = JSON.parse(JSON.stringify(toChromeTrace(profile)));
    expect(trace.displayTimeUnit).toBe('ms');
    expect(trace.otherData).toMatchObject({ adapter: 'google swiftshader', source: 'timestamp-query', inputShapes: '1x8x8x3' });
    const meta = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'M');
    expect(meta.map((e: { name: string }) => e.name)).toEqual(['process_name', 'thread_name']);
    const xs = trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
    expect(xs).toHaveLength(3);
    expect(new Set(xs.map((e: { pid: number; tid: number }) => `${e.pid}/${e.tid}`)).size).toBe(1);
    expect(xs[0]).toEqual({
      name: 'conv1/conv2d',
      cat: 'conv2d_grouped.wgsl',
      ph: 'X',
      pid: 1,
      tid: 1,
      ts: 0,
      dur: 2000,
      args: { layer: 'conv1', variant: 'act.wgsl+conv2d_grouped.wgsl{ACT=1,TILE=8}', dispatch: '4x2x1', flops: 4e6, bytes: 1e6 },
    });
    expect(xs[1].ts).toBe(2500);
    expect(xs[2]).toMatchObject({ ts: 4000, dur: 1000 });
    for (const e of xs) {
      expect(typeof e.ts).toBe('number');
      expect(e.dur).toBeGreaterThanOrEqual(0);
    }
  });

  it('exports one whole-run event without timestamps', () => {
    const trace = toChromeTrace({ ...profile, source: 'cpu-wall', totalMs: 12.5, note: 'n' });
    const xs = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(xs).toEqual([{ name: 'run (CPU wall time)', cat: 'run', ph: 'X', pid: 1, tid: 1, ts: 0, dur: 12500, args: { note: 'n' } }]);
  });
});

describe('autotuning lines', () => {
  it('one line per decision with the times, the choice and its source; none without decisions', () => {
    expect(formatTuning(profile)).toEqual([]);
    const lines = formatTuning({
      ...profile,
      tuning: {
        timer: 'timestamp-query',
        spentMs: 321.4,
        decisions: [
          { node: 'conv1', op: 'conv2d', nodes: 3, candidates: [{ label: 'winograd', ms: 1.5 }, { label: 'vec4', ms: 3.25 }], chosen: 'winograd', source: 'measured' },
          { node: 'd1', op: 'dense', nodes: 1, candidates: [{ label: 'splitk' }, { label: 'gemm' }], chosen: 'gemm', source: 'cache' },
        ],
      },
    });
    expect(lines).toEqual([
      'autotuning (timestamp-query, 321 ms spent at load):',
      '  conv1 (+2 alike): winograd [measured] of winograd 1.50 ms, vec4 3.25 ms',
      '  d1: gemm [cache] of splitk, gemm',
    ]);
  });
});
