/**
 * The benchmark page: the engine's host API (window.mi, from src/cli/page) plus window.bench, which
 * times our engine and TF.js backends on the same in-memory bundle, on the same adapter, in this one
 * page. Models are prepared here once (the seed network's 96 MB of weights are regenerated in the
 * page, not sent over the DevTools socket) and referred to by key.
 */
import '../../src/cli/page/page.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { loadModel } from '../../src/index.ts';
import { readKerasModel } from '../../src/formats/read-model.ts';
import type { PlanProfile } from '../../src/runtime/profile.ts';
import { seedNetworkWeights } from '../../test/util/prng.ts';
import { runProbes, type ProbeResult } from './probes.ts';
import { toTfjsBundle, type TfjsBundle } from './tfjs-bundle.ts';
import { timeTfjs, type TfBackend } from './tfjs-runner.ts';

export type ModelSpec = { kind: 'seed'; configUrl: string } | { kind: 'url'; url: string };

interface Prepared {
  bundle: TfjsBundle;
  /** Declared input shape without the batch. */
  inputShape: number[];
}

export interface CellResult {
  coldMs: number;
  times: number[];
  flops?: number;
  peakBytes?: number;
  version?: string;
  profile?: PlanProfile;
}

const prepared = new Map<string, Prepared>();

async function seedBundleSource(configUrl: string): Promise<{ modelJson: unknown; weights: Uint8Array[] }> {
  const topology = await (await fetch(configUrl)).json();
  const weights = seedNetworkWeights();
  const shard = new Uint8Array(weights.reduce((n, w) => n + w.data.byteLength, 0));
  let at = 0;
  for (const w of weights) {
    shard.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), at);
    at += w.data.byteLength;
  }
  const manifest = [{ paths: ['seed.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }];
  return { modelJson: { format: 'layers-model', modelTopology: topology, weightsManifest: manifest }, weights: [shard] };
}

/** Deterministic input in [0, 1) (an LCG): the same values for every runtime. */
function inputFor(shape: number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s >>> 8) / 16777216;
  }
  return out;
}

/** Steady-state runs: 10, or fewer (at least 3) when 10 would overrun the cell's time budget. */
const runPlan = (budgetMs: number, maxRuns: number) => (firstMs: number) =>
  Math.max(Math.min(3, maxRuns), Math.min(maxRuns, Math.floor(budgetMs / Math.max(firstMs, 1e-3))));

let probeGpu: Promise<GpuContext> | undefined;

async function guarded<T>(fn: () => Promise<T>): Promise<T | { error: { name: string; message: string } }> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error;
    return { error: { name: e?.name ?? 'Error', message: String(e?.message ?? err) } };
  }
}

const bench = {
  async prepare(key: string, spec: ModelSpec) {
    return guarded(async () => {
      const source = spec.kind === 'seed' ? await seedBundleSource(spec.configUrl) : spec.url;
      const keras = await readKerasModel(source as never);
      const bundle = toTfjsBundle(keras);
      const inputShape = keras.inputShapes[0].slice(1).map((d) => d ?? 0);
      prepared.set(key, { bundle, inputShape });
      const params = bundle.weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
      return { inputShape, params, layers: keras.layers.length };
    });
  },

  /** Our engine: a fresh device (made before the clock starts), so no pipeline is cached from another cell. */
  async ours(key: string, batch: number, budgetMs: number, maxRuns: number, profile: boolean) {
    return guarded(async (): Promise<CellResult> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [batch, ...p.inputShape];
      const data = inputFor(shape);
      const gpu = await acquireGpu();
      try {
        const t0 = performance.now();
        const model = await loadModel({ modelJson: p.bundle.modelJson, weights: [new Uint8Array(p.bundle.weightData)] }, { device: gpu.device, inputShape: shape });
        try {
          await model.predict({ shape, data });
          const coldMs = performance.now() - t0;
          const times: number[] = [];
          const t1 = performance.now();
          await model.predict({ shape, data });
          times.push(performance.now() - t1);
          const runs = runPlan(budgetMs, maxRuns)(times[0]);
          for (let i = 1; i < runs; i++) {
            const t = performance.now();
            await model.predict({ shape, data });
            times.push(performance.now() - t);
          }
          const plan = await model.prepare([shape]);
          const prof = profile ? await model.profile({ shape, data }, { repeats: 1, warmup: 0 }) : undefined;
          return { coldMs, times, flops: plan.flops, peakBytes: plan.peakActivationBytes + plan.constantBytes, profile: prof };
        } finally {
          await model.dispose();
        }
      } finally {
        gpu.device.destroy();
      }
    });
  },

  async tfjs(key: string, backend: TfBackend, batch: number, budgetMs: number, maxRuns: number) {
    return guarded(async (): Promise<CellResult> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [batch, ...p.inputShape];
      return timeTfjs(backend, p.bundle, inputFor(shape), shape, runPlan(budgetMs, maxRuns));
    });
  },

  async probes(n: number, copyMb: number) {
    return guarded(async (): Promise<ProbeResult & { adapter: string }> => {
      probeGpu ??= acquireGpu();
      const gpu = await probeGpu;
      return { ...(await runProbes(gpu, n, copyMb)), adapter: gpu.adapterName };
    });
  },

  drop(key: string) {
    prepared.delete(key);
  },
};

export type BenchApi = typeof bench;
(globalThis as unknown as { bench: BenchApi }).bench = bench;
