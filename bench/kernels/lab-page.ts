/**
 * Page side of the kernel lab (bench/kernels/lab.ts): runs one single-op graph on this page's
 * device with autotuning off (the graph's `variant` attribute picks the kernel), returns its
 * output for validation and the per-step GPU times of a profiled run, and measures the adapter's
 * probes (bench/probes/*.wgsl) on the same device. Loaded into the test page by a dynamic import.
 */
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { modelFromGraph } from '../../src/index.ts';
import { graphFromWire, toWire, type WireGraph, type WireTensor } from '../../src/cli/wire.ts';
import { randomTensor } from '../../test/util/random.ts';
import { runProbes, type ProbeResult } from '../page/probes.ts';
import { makeWeight, type WeightSpec } from './lab.ts';

let gpu: Promise<GpuContext> | undefined;
const device = () => (gpu ??= acquireGpu());

export interface LabStep {
  /** The kernel file: the last linked file of the step (library fragments come first). */
  kernel: string;
  ms: number;
  flops: number;
  bytes: number;
}

export interface LabRunResult {
  output: WireTensor;
  steps: LabStep[];
  /** 'timestamp-query', or 'cpu-wall' where the adapter cannot time steps (then steps have ms 0). */
  source: string;
  /** Whole-run GPU time of the best repeat: the sum of its steps, or the wall time without timestamps. */
  totalMs: number;
}

/** Runs the single-op graph with its weights made here from `weights` (every node gets them: the lab's graphs have one). */
export async function labRun(graph: WireGraph, weights: WeightSpec[], input: { shape: number[]; seed: number }, repeats: number): Promise<LabRunResult> {
  const ctx = await device();
  const g = graphFromWire(graph);
  for (const node of g.nodes) node.weights = weights.map(makeWeight);
  const model = await modelFromGraph(g, { device: ctx.device, autotune: false });
  try {
    const xs = [randomTensor(input.shape, input.seed)];
    const [output] = await model.run(xs);
    // Best of the repeats, as the probes take theirs: on a shared machine other jobs only ever add
    // time, so the least-disturbed run is the closest to what the kernel costs.
    let best: Awaited<ReturnType<typeof model.profile>> | undefined;
    for (let i = 0; i < repeats; i++) {
      const profile = await model.profile(xs, { repeats: 1, warmup: i === 0 ? 1 : 0 });
      if (!best || profile.totalMs < best.totalMs) best = profile;
    }
    return {
      output: toWire(output),
      steps: best!.steps.map((s) => ({ kernel: s.shader[s.shader.length - 1], ms: s.ms ?? 0, flops: s.flops, bytes: s.bytes })),
      source: best!.source,
      totalMs: best!.totalMs,
    };
  } finally {
    await model.dispose();
  }
}

export async function labProbes(): Promise<ProbeResult & { adapter: string }> {
  const ctx = await device();
  return { ...(await runProbes(ctx)), adapter: ctx.adapterName };
}
