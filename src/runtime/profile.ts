/**
 * The profiling run of an ExecutionPlan: the same steps as run(), but each in a compute pass of its
 * own with `timestampWrites` (begin and end of the pass), resolved into a buffer and read back.
 * Everything here is created per profile call and destroyed after it, so the normal run path keeps
 * no query set and no extra pass: profiling costs nothing when it is off (DESIGN principle 9).
 *
 * Why one pass per step and not `writeTimestamp`: encoder-level writeTimestamp left the spec, and
 * Chromium (156) only offers timestamps inside passes behind an experimental feature; pass-level
 * `timestampWrites` is what every WebGPU implementation with 'timestamp-query' supports. Splitting
 * the pass adds a pass boundary (a barrier) between steps, which run() has anyway between
 * dependent dispatches, so the per-step times are those of the same kernels.
 *
 * Without 'timestamp-query' the profile falls back to CPU wall time of whole runs (submit to
 * read-back) and says so in `note`; steps then have no times.
 */
import { GPUExecutionError } from '../errors.ts';
import type { GpuContext } from '../gpu/device.ts';
import { PassTimestamps } from '../gpu/timestamps.ts';
import type { GpuPlan } from '../scheduler/build.ts';
import type { PlanLayout } from '../scheduler/layout.ts';
import type { Tensor } from '../tensor.ts';
import type { TuneReport } from '../scheduler/autotune.ts';


export interface ProfileOptions {
  /** Profiled runs; each step's time is the median over them (default 3). */
  repeats?: number;
  /** Plain runs before profiling, so first-use costs are not measured (default 1). */
  warmup?: number;
}

/** One compute step of the plan, with its GPU time when timestamps are available. */
export interface StepProfile {
  /** `<layer>/<kernel>`. */
  label: string;
  /** The graph node (layer) the step belongs to. */
  layer: string;
  shader: readonly string[];
  constants: Readonly<Record<string, number>>;
  dispatch: readonly [number, number, number];
  flops: number;
  bytes: number;
  /** Start of the step relative to the first step's start, in ms (median run); undefined without timestamps. */
  startMs?: number;
  /** GPU time of the step in ms (median over the repeats); undefined without timestamps. */
  ms?: number;
}

export interface PlanProfile {
  /** 'timestamp-query': per-step GPU times. 'cpu-wall': whole-run wall times only. */
  source: 'timestamp-query' | 'cpu-wall';
  adapter: string;
  inputShapes: number[][];
  repeats: number;
  steps: StepProfile[];
  /** Sum of the step times (GPU busy time), or the median whole-run wall time for 'cpu-wall'. */
  totalMs: number;
  /** Median CPU wall time of the plain (unsplit) runs made for warm-up and the fallback. */
  wallMs?: number;
  /** Caveats a reader must see (no timestamps; timestamps quantised by the browser). */
  note?: string;
  /** What autotuning chose for this plan (Model.profile adds it), for the kernel column's why. */
  tuning?: TuneReport;
}

/** Runs the plan with per-step timestamps. `runPlain` is the plan's own run(), for warm-up and fallback. */
export async function profilePlan(
  gpu: GpuContext,
  layout: PlanLayout,
  plan: GpuPlan,
  inputs: readonly Tensor[],
  runPlain: () => Promise<unknown>,
  options: ProfileOptions = {},
): Promise<PlanProfile> {
  const repeats = Math.max(1, options.repeats ?? 3);
  const walls: number[] = [];
  const timedPlain = async () => {
    const t0 = performance.now();
    await runPlain();
    walls.push(performance.now() - t0);
  };
  for (let i = 0; i < (options.warmup ?? 1); i++) await timedPlain();
  const base = {
    adapter: gpu.adapterName,
    inputShapes: layout.inputShapes.map((s) => [...s]),
    repeats,
    steps: plan.steps.map((s): StepProfile => ({
      label: s.label,
      layer: s.nodeName,
      shader: s.shader,
      constants: s.constants,
      dispatch: s.dispatch,
      flops: s.flops,
      bytes: s.bytes,
    })),
  };
  if (!gpu.hasTimestampQuery) {
    for (let i = 0; i < repeats; i++) await timedPlain();
    const totalMs = median(walls.slice(-repeats));
    return {
      ...base,
      source: 'cpu-wall',
      totalMs,
      wallMs: totalMs,
      note: "the adapter has no 'timestamp-query': times are CPU wall time per whole run (write, submit, read back), no per-layer split",
    };
  }
  const wallMs = walls.length ? median(walls) : undefined;
  const runs: { start: number[]; dur: number[] }[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await timedRun(gpu, layout, plan, inputs));
  const steps = base.steps.map((s, i) => ({
    ...s,
    ms: median(runs.map((run) => run.dur[i])),
    startMs: median(runs.map((run) => run.start[i])),
  }));
  const totalMs = steps.reduce((a, s) => a + (s.ms ?? 0), 0);
  const quantised = steps.length > 0 && steps.every((s) => Math.round(s.ms! * 1e3) % 100 === 0);
  return {
    ...base,
    steps,
    source: 'timestamp-query',
    totalMs,
    wallMs,
    note: quantised
      ? 'every step time is a multiple of 100 µs: the browser quantises timestamps (Chromium: launch with --enable-webgpu-developer-features for full resolution)'
      : undefined,
  };
}

/** One run, a pass per step; returns each step's start (relative) and duration in ms. */
async function timedRun(gpu: GpuContext, layout: PlanLayout, plan: GpuPlan, inputs: readonly Tensor[]): Promise<{ start: number[]; dur: number[] }> {
  const { device } = gpu;
  layout.inputNames.forEach((name, i) => {
    const t = inputs[i];
    device.queue.writeBuffer(plan.slots[layout.slotOf.get(name)!], 0, t.data.buffer, t.data.byteOffset, t.data.byteLength);
  });
  const n = plan.steps.length;
  const timestamps = new PassTimestamps(device, n, 'profile');
  try {
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder({ label: 'profile' });
    plan.steps.forEach((step, i) => {
      const pass = encoder.beginComputePass({ label: step.label, timestampWrites: timestamps.writes(i) });
      pass.setPipeline(step.pipeline);
      pass.setBindGroup(0, step.bindGroup);
      pass.dispatchWorkgroups(step.dispatch[0], step.dispatch[1], step.dispatch[2]);
      pass.end();
    });
    timestamps.resolve(encoder);
    device.queue.submit([encoder.finish()]);
    const err = await device.popErrorScope();
    if (err) throw new GPUExecutionError(`the profiling run failed: ${err.message}`);
    const ticks = await timestamps.readTicks();
    const t0 = n > 0 ? ticks[0] : 0n;
    const start: number[] = [];
    const dur: number[] = [];
    for (let i = 0; i < n; i++) {
      start.push(Number(ticks[2 * i] - t0) / 1e6);
      // An implementation may return 0 or an end before the begin for a pass it could not time.
      dur.push(Math.max(0, Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6));
    }
    return { start, dur };
  } finally {
    timestamps.destroy();
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
