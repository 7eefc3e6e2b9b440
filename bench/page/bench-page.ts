/**
 * The benchmark page: the engine's host API (window.mi, from src/cli/page) plus window.bench, which
 * times our engine and TF.js backends on the same in-memory bundle, and ONNX Runtime Web on the
 * product's ONNX export (src/onnx) of the same model, on the same adapter, in this one page. Models are prepared here once (the seed network's 96 MB of weights are regenerated in the
 * page, not sent over the DevTools socket) and referred to by key. Our WebAssembly path (loadModel
 * with backend 'wasm': our export in ONNX Runtime Web) is timed on the same bundle as `ours-wasm`,
 * and `backend: 'auto'` reports which backend it takes on this machine and why.
 */
import '../../src/cli/page/page.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { loadModel, memoryTuneCache } from '../../src/index.ts';
import { readKerasModel } from '../../src/formats/read-model.ts';
import type { PlanProfile } from '../../src/runtime/profile.ts';
import { kerasModelFromArchitecture } from '../../src/formats/from-architecture.ts';
import type { KerasModel } from '../../src/formats/keras-model.ts';
import type { WeightTensor } from '../../src/graph/ir.ts';
import { seedNetworkBundle } from '../../test/util/prng.ts';
import { zooValues, type ZooWeight } from '../../test/browser/zoo.ts';
import { runProbes, type ProbeResult } from './probes.ts';
import { toTfjsBundle, type TfjsBundle } from './tfjs-bundle.ts';
import { timeTfjs, type TfBackend } from './tfjs-runner.ts';
import { buildGraph } from '../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../src/compile/passes/index.ts';
import { exportOnnx, type OnnxExport } from '../../src/onnx/index.ts';
import { timeOrt, type OrtBackend } from './ort-runner.ts';
import { steadyTimes } from './timed-runs.ts';
// window.benchVolume: the whole-volume pipeline row (segmentVolume on WebGPU and WASM, TF.js WebGL as brainchop runs it).
import './volume-bench.ts';

/**
 * `inputShape` (without the batch) overrides the declared one, for fully convolutional models run
 * at another size than they were saved at (MobileNetV2 at 224, U-Net at 256, MeshNet on a 64³ crop):
 * weights do not depend on the spatial size, and both engines load the rewritten bundle.
 */
export type ModelSpec = ({ kind: 'seed'; configUrl: string } | { kind: 'url'; url: string } | { kind: 'zoo'; dirUrl: string }) & {
  inputShape?: number[];
};

interface Prepared {
  bundle: TfjsBundle;
  /** What the bundle was written from: the ONNX export is made from its graph too. */
  keras: KerasModel;
  /** Declared input shape without the batch. */
  inputShape: number[];
  /** Our engine's output per batch size (from its cold run), the reference ORT is checked against. */
  reference: Map<number, Float32Array>;
  /** The exported ONNX model per batch size (both ORT columns run the same bytes), or why not. */
  onnx: Map<number, OnnxExport | Error>;
}

export interface CellResult {
  coldMs: number;
  /** Ours: cold start again on a fresh device, with the autotuning choices of the first load remembered. */
  coldTunedMs?: number;
  /** Ours: wall time the first load spent autotuning. */
  tuneMs?: number;
  /** Ours: planned activation bytes, and the most bytes alive at one step (the bound any plan needs). */
  activationBytes?: number;
  liveBoundBytes?: number;
  times: number[];
  flops?: number;
  peakBytes?: number;
  version?: string;
  profile?: PlanProfile;
  /** ORT: largest |ORT − ours| over the output, our output's largest |value|, and the verdict. */
  maxAbsDiff?: number;
  outputScale?: number;
  mismatch?: string;
}

/** ORT's result must be within this fraction of the output scale (max |ours|) of ours. */
const ORT_RTOL = 1e-3;

/**
 * Checks another runtime's first output against our WebGPU output (ORT and our WebAssembly path):
 * fills maxAbsDiff / outputScale, and `mismatch` when it is wrong, so the cell is not timed.
 */
function checkAgainst(reference: Float32Array, check: Pick<CellResult, 'maxAbsDiff' | 'outputScale' | 'mismatch'>, runtime: string) {
  return (out: Float32Array): boolean => {
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < reference.length; i++) {
      diff = Math.max(diff, Math.abs(out[i] - reference[i]));
      scale = Math.max(scale, Math.abs(reference[i]));
    }
    if (out.length !== reference.length) check.mismatch = `${runtime} gave ${out.length} values, ours ${reference.length}`;
    else if (!(diff <= ORT_RTOL * Math.max(scale, 1e-6))) check.mismatch = `output differs from ours: max abs diff ${diff.toExponential(2)} > ${ORT_RTOL} × scale ${scale.toExponential(2)}`;
    check.maxAbsDiff = diff;
    check.outputScale = scale;
    return !check.mismatch;
  };
}

/** What `backend: 'auto'` chose for a model on this machine, why, and its load → first result. */
export interface AutoChoice {
  backend: string;
  reason: string;
  adapter: string;
  coldMs: number;
}

const bundleSource = (p: Prepared) => ({ modelJson: p.bundle.modelJson, weights: [new Uint8Array(p.bundle.weightData)] });

const prepared = new Map<string, Prepared>();

async function seedBundleSource(configUrl: string): Promise<{ modelJson: unknown; weights: Uint8Array[] }> {
  return seedNetworkBundle(await (await fetch(configUrl)).json());
}

/** A conformance-zoo model (test/fixtures/zoo/<name>): its architecture plus weights regenerated from the seeded PRNG. */
async function zooModel(dirUrl: string): Promise<KerasModel> {
  const [architecture, listing] = await Promise.all([
    fetch(`${dirUrl}/model.json`).then((r) => r.json()),
    fetch(`${dirUrl}/weights.json`).then((r) => r.json() as Promise<{ weights: ZooWeight[] }>),
  ]);
  const byLayer = new Map<string, WeightTensor[]>();
  for (const w of listing.weights) {
    if (w.skip) continue;
    const size = w.shape.reduce((a, b) => a * b, 1);
    const list = byLayer.get(w.layer) ?? [];
    list.push({ name: w.name, shape: w.shape, data: zooValues(size, w.seed!, w.offset!, w.scale!) });
    byLayer.set(w.layer, list);
  }
  return kerasModelFromArchitecture(architecture, (layer) => byLayer.get(layer.name), { format: 'zoo' });
}

/** Declares another input size (single-input models): the reader's shape and the input layer's config. */
function withInputShape(model: KerasModel, shape: number[]): KerasModel {
  if (model.inputs.length !== 1) throw new Error(`an input shape override wants one input, the model has ${model.inputs.length}`);
  const declared = model.inputShapes[0];
  if (declared.length !== shape.length + 1) throw new Error(`input shape [${shape}] does not match the declared rank (${declared.length - 1})`);
  const batchShape = [null, ...shape];
  const layers = model.layers.map((l) => {
    if (l.name !== model.inputs[0].layer) return l;
    const config: Record<string, unknown> = { ...l.config, batch_input_shape: batchShape };
    delete config.batch_shape;
    return { ...l, config };
  });
  return { ...model, layers, inputShapes: [batchShape] };
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

/**
 * Steady-state runs: 10, or fewer when 10 would overrun the cell's time budget: at least 3, unless
 * one run takes over half the budget (then 2), or the whole budget (then 1: the first timed run).
 */
const runPlan = (budgetMs: number, maxRuns: number) => (firstMs: number) => {
  const fit = budgetMs / Math.max(firstMs, 1e-3);
  return Math.max(Math.min(3, maxRuns, Math.ceil(fit)), Math.min(maxRuns, Math.floor(fit)));
};

let probeGpu: Promise<GpuContext> | undefined;

async function guarded<T>(fn: () => Promise<T>): Promise<T | { error: { name: string; message: string } }> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error;
    return { error: { name: e?.name ?? 'Error', message: String(e?.message ?? err) } };
  }
}

/** Our engine's output for `shape` on a fresh device (no autotuning: only the values matter here). */
async function ourOutput(p: Prepared, shape: number[], data: Float32Array): Promise<Float32Array> {
  const gpu = await acquireGpu();
  try {
    const model = await loadModel({ modelJson: p.bundle.modelJson, weights: [new Uint8Array(p.bundle.weightData)] }, { device: gpu.device, inputShape: shape, autotune: false });
    try {
      return (await model.predict({ shape, data })).data;
    } finally {
      await model.dispose();
    }
  } finally {
    gpu.device.destroy();
  }
}

const bench = {
  async prepare(key: string, spec: ModelSpec) {
    return guarded(async () => {
      let keras =
        spec.kind === 'zoo'
          ? await zooModel(spec.dirUrl)
          : await readKerasModel((spec.kind === 'seed' ? await seedBundleSource(spec.configUrl) : spec.url) as never);
      if (spec.inputShape) keras = withInputShape(keras, spec.inputShape);
      const bundle = toTfjsBundle(keras);
      const inputShape = keras.inputShapes[0].slice(1).map((d) => d ?? 0);
      prepared.set(key, { bundle, keras, inputShape, reference: new Map(), onnx: new Map() });
      const params = bundle.weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
      return { inputShape, params, layers: keras.layers.length };
    });
  },

  /**
   * Our engine: a fresh device (made before the clock starts), so no pipeline is cached from another
   * cell, and an empty autotuning cache: the first result comes from the ops' rules and autotuning
   * measures in the background after it; steady state is timed once it is done. Then a second cold
   * start on another fresh device with the choices remembered (what every later page load on this
   * adapter gets: the tuned plan from the start).
   */
  async ours(key: string, batch: number, budgetMs: number, maxRuns: number, profile: boolean) {
    return guarded(async (): Promise<CellResult> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [batch, ...p.inputShape];
      const data = inputFor(shape);
      const cache = memoryTuneCache();
      const source = () => ({ modelJson: p.bundle.modelJson, weights: [new Uint8Array(p.bundle.weightData)] });
      const gpu = await acquireGpu();
      let result: CellResult;
      try {
        const t0 = performance.now();
        const model = await loadModel(source(), { device: gpu.device, inputShape: shape, autotune: { cache } });
        try {
          const y = await model.predict({ shape, data });
          const coldMs = performance.now() - t0;
          p.reference.set(batch, y.data);
          // Autotuning measures in the background after the first result; time the tuned plan.
          const tuning = await model.whenTuned([shape]);
          const times = await steadyTimes(() => model.predict({ shape, data }), runPlan(budgetMs, maxRuns));
          const plan = await model.prepare([shape]);
          const prof = profile ? await model.profile({ shape, data }, { repeats: 1, warmup: 0 }) : undefined;
          result = {
            coldMs,
            times,
            flops: plan.flops,
            peakBytes: plan.peakActivationBytes + plan.constantBytes,
            activationBytes: plan.peakActivationBytes,
            liveBoundBytes: plan.layout.liveBoundBytes,
            tuneMs: tuning?.spentMs,
            profile: prof,
          };
        } finally {
          await model.dispose();
        }
      } finally {
        gpu.device.destroy();
      }
      const gpu2 = await acquireGpu();
      try {
        const t0 = performance.now();
        const again = await loadModel(source(), { device: gpu2.device, inputShape: shape, autotune: { cache } });
        await again.predict({ shape, data });
        result.coldTunedMs = performance.now() - t0;
        await again.dispose();
      } finally {
        gpu2.device.destroy();
      }
      return result;
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

  /**
   * ONNX Runtime Web on the model exported from the same KerasModel. Its first result is checked
   * against ours (from ours' cold run, or computed here when ours was not run) before anything is
   * timed; a graph the exporter cannot write fails the cell with the reason.
   */
  async ort(key: string, backend: OrtBackend, batch: number, budgetMs: number, maxRuns: number) {
    return guarded(async (): Promise<CellResult> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [batch, ...p.inputShape];
      const data = inputFor(shape);
      let onnx = p.onnx.get(batch);
      if (!onnx) {
        try {
          // The graph our engine runs (passes applied), with a static batch: ORT's WebGPU EP plans
          // static shapes best, and each batch size is its own cell anyway.
          onnx = await exportOnnx(optimizeGraph(buildGraph(p.keras)), { batch, inputShapes: [shape] });
        } catch (err) {
          onnx = new Error(`ONNX export: ${(err as Error).message}`);
        }
        p.onnx.set(batch, onnx);
      }
      if (onnx instanceof Error) throw onnx;
      const reference = p.reference.get(batch) ?? (await ourOutput(p, shape, data));
      p.reference.set(batch, reference);
      const check: Pick<CellResult, 'maxAbsDiff' | 'outputScale' | 'mismatch'> = {};
      const accept = checkAgainst(reference, check, 'ORT');
      const r = await timeOrt(backend, onnx.bytes, onnx.inputNames[0], onnx.outputNames[0], data, shape, runPlan(budgetMs, maxRuns), accept);
      return { coldMs: r.coldMs, times: r.times, version: r.version, ...check };
    });
  },

  /**
   * Our WebAssembly path: loadModel with backend 'wasm' on the same bundle (our passes, our export
   * with the batch fixed, ONNX Runtime Web's WASM EP, one thread: the page is not cross-origin
   * isolated). Cold start = load → first result; that result is checked against our WebGPU output
   * as ORT's is, and nothing is timed when it differs.
   */
  async oursWasm(key: string, batch: number, budgetMs: number, maxRuns: number) {
    return guarded(async (): Promise<CellResult> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [batch, ...p.inputShape];
      const data = inputFor(shape);
      const t0 = performance.now();
      const model = await loadModel(bundleSource(p), { backend: 'wasm', inputShape: shape });
      try {
        const first = (await model.predict({ shape, data })).data;
        const coldMs = performance.now() - t0;
        const reference = p.reference.get(batch) ?? (await ourOutput(p, shape, data));
        p.reference.set(batch, reference);
        const check: Pick<CellResult, 'maxAbsDiff' | 'outputScale' | 'mismatch'> = {};
        if (!checkAgainst(reference, check, 'ours-wasm')(first)) return { coldMs, times: [], ...check };
        const times = await steadyTimes(() => model.predict({ shape, data }), runPlan(budgetMs, maxRuns));
        return { coldMs, times, ...check };
      } finally {
        await model.dispose();
      }
    });
  },

  /** `backend: 'auto'` as an app's load would run it (no device given): which backend, why, and load → first result at batch 1. */
  async auto(key: string) {
    return guarded(async (): Promise<AutoChoice> => {
      const p = prepared.get(key);
      if (!p) throw new Error(`model ${key} not prepared`);
      const shape = [1, ...p.inputShape];
      const t0 = performance.now();
      const model = await loadModel(bundleSource(p), { backend: 'auto', inputShape: shape, autotune: false });
      try {
        await model.predict({ shape, data: inputFor(shape) });
        return { backend: model.backend, reason: model.backendReason, adapter: model.adapterName, coldMs: performance.now() - t0 };
      } finally {
        await model.dispose();
      }
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
