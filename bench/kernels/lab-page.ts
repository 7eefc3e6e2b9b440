/**
 * Page side of the kernel lab (bench/kernels/lab.ts): runs one single-op graph on this page's
 * device with autotuning off (the graph's `variant` attribute picks the kernel), returns its
 * output for validation and the per-step GPU times of a profiled run, and measures the adapter's
 * probes (bench/probes/*.wgsl) on the same device. Loaded into the test page by a dynamic import.
 */
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { modelFromGraph } from '../../src/index.ts';
import { fromWire, graphFromWire, toWire, type WireGraph, type WireTensor } from '../../src/cli/wire.ts';
import { runProbes, type ProbeResult } from '../page/probes.ts';

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
  /** Whole-run GPU time: the sum of the steps (median over the repeats), or the wall time without timestamps. */
  totalMs: number;
}

export async function labRun(graph: WireGraph, inputs: WireTensor[], repeats: number): Promise<LabRunResult> {
  const ctx = await device();
  const model = await modelFromGraph(graphFromWire(graph), { device: ctx.device, autotune: false });
  try {
    const xs = inputs.map(fromWire);
    const [output] = await model.run(xs);
    const profile = await model.profile(xs, { repeats, warmup: 1 });
    return {
      output: toWire(output),
      steps: profile.steps.map((s) => ({ kernel: s.shader[s.shader.length - 1], ms: s.ms ?? 0, flops: s.flops, bytes: s.bytes })),
      source: profile.source,
      totalMs: profile.totalMs,
    };
  } finally {
    await model.dispose();
  }
}

export async function labProbes(): Promise<ProbeResult & { adapter: string }> {
  const ctx = await device();
  return { ...(await runProbes(ctx)), adapter: ctx.adapterName };
}
