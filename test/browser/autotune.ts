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

/** Runs the graph with a named in-page cache (created empty on first use) and the given mode. */
export async function runTuned(wire: WireGraph, inputs: WireTensor[], cacheName: string, mode: 'on' | 'cached' | 'off', budgetMs?: number): Promise<AutotuneRun> {
  if (!caches.has(cacheName)) caches.set(cacheName, memoryTuneCache());
  const xs = inputs.map(fromWire);
  const model = await modelFromGraph(graphFromWire(wire), { autotune: { mode, cache: caches.get(cacheName), budgetMs } });
  try {
    const t0 = performance.now();
    await model.prepare(xs.map((x) => x.shape));
    const prepareMs = performance.now() - t0;
    const outputs = (await model.run(xs)).map(toWire);
    return { report: model.tuningReport(xs.map((x) => x.shape)), outputs, prepareMs };
  } finally {
    await model.dispose();
  }
}
