/**
 * Runs inside the test page: loads one graph several times with autotuning options and reports what
 * the tuner decided, with the outputs (test/gpu/autotune.test.ts checks both).
 */
import { memoryTuneCache, modelFromGraph, type TuneCache, type TuneReport } from '../../src/index.ts';
import { fromWire, graphFromWire, toWire, type WireGraph, type WireTensor } from '../../src/cli/wire.ts';

export interface AutotuneRun {
  report: TuneReport | undefined;
  outputs: WireTensor[];
  prepareMs: number;
}

const caches = new Map<string, TuneCache>();

/**
 * Runs the graph with a named in-page cache (created empty on first use) and the given mode and
 * timing ('background': the first run uses the rules, then whenTuned; 'load': tuned before the
 * plan is built). The outputs returned are those of a run after tuning, on the tuned plan; the
 * first run's outputs come back too.
 */
export async function runTuned(
  wire: WireGraph,
  inputs: WireTensor[],
  cacheName: string,
  mode: 'on' | 'cached' | 'off',
  budgetMs?: number,
  when: 'background' | 'load' = 'load',
): Promise<AutotuneRun & { firstOutputs: WireTensor[]; reportBeforeTuning?: TuneReport; planReplaced: boolean }> {
  if (!caches.has(cacheName)) caches.set(cacheName, memoryTuneCache());
  const xs = inputs.map(fromWire);
  const shapes = xs.map((x) => x.shape);
  const model = await modelFromGraph(graphFromWire(wire), { backend: 'webgpu', autotune: { mode, cache: caches.get(cacheName), budgetMs, when } });
  try {
    const t0 = performance.now();
    const firstPlan = await model.prepare(shapes);
    const prepareMs = performance.now() - t0;
    const firstOutputs = (await model.run(xs)).map(toWire);
    const reportBeforeTuning = structuredClone(model.tuningReport(shapes));
    const report = await model.whenTuned(shapes);
    const planReplaced = (await model.prepare(shapes)) !== firstPlan;
    const outputs = (await model.run(xs)).map(toWire);
    return { report, outputs, firstOutputs, prepareMs, reportBeforeTuning, planReplaced };
  } finally {
    await model.dispose();
  }
}
