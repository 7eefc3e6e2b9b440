/**
 * The page that the CLI and the GPU tests drive through puppeteer: it exposes the engine on
 * `window.mi` with JSON-friendly functions (tensors travel as base64, see ../wire.ts).
 */
import { acquireGpu, type GpuContext } from '../../gpu/device.ts';
import { loadModel, modelFromGraph, useOnnxRuntime, type BackendOption, type LoadedModel } from '../../index.ts';
import { base64ToF32, f32ToBase64, fromWire, graphFromWire, toWire, type WireGraph, type WireTensor } from '../wire.ts';
import type { EngineLimits } from '../../limits.ts';
import { EngineError } from '../../errors.ts';
import type { ProfileOptions } from '../../runtime/profile.ts';

// This page is an app of the engine: its own import of ONNX Runtime Web is the one Vite serves
// (module and .wasm from this origin), used only when a model takes the WebAssembly path.
useOnnxRuntime(() => import('onnxruntime-web/wasm'));

let shared: Promise<GpuContext> | undefined;
const models = new Map<number, LoadedModel>();
let nextHandle = 1;

/** One device for the page: tests run hundreds of small graphs and must not create a device each. */
function sharedGpu(): Promise<GpuContext> {
  shared ??= acquireGpu();
  return shared;
}

/** Errors cross the page boundary as plain objects so the Node side can rebuild the class name. */
async function guarded<T>(fn: () => Promise<T>): Promise<T | { error: { name: string; code?: string; message: string } }> {
  try {
    return await fn();
  } catch (err) {
    const e = err as Error;
    return { error: { name: e?.name ?? 'Error', code: err instanceof EngineError ? err.code : undefined, message: String(e?.message ?? err) } };
  }
}

const api = {
  async adapter() {
    return guarded(async () => (await sharedGpu()).adapterName);
  },
  /**
   * Runs a graph given whole (weights included) on the shared device. Kernel tests use it to test
   * the kernel each op's rule (or a forced variant) picks, so autotuning is off here; it has tests
   * of its own (test/gpu/autotune.test.ts) and is on in the model tests.
   */
  async runGraph(wire: WireGraph, inputs: WireTensor[], options: { allowNonFinite?: boolean } = {}) {
    return guarded(async () => {
      const gpu = await sharedGpu();
      const model = await modelFromGraph(graphFromWire(wire), { device: gpu.device, autotune: false, allowNonFinite: options.allowNonFinite });
      try {
        return (await model.run(inputs.map(fromWire))).map(toWire);
      } finally {
        await model.dispose();
      }
    });
  },
  /**
   * Loads a model from a URL on this server and keeps it; returns a handle. `architecture` is the
   * parsed architecture JSON for a weights-only .h5 (the `mi` CLI's --architecture).
   */
  async load(
    url: string,
    options: {
      inputShape?: number[];
      logits?: boolean;
      architecture?: unknown;
      allowNonFinite?: boolean;
      limits?: Partial<EngineLimits>;
      /** Default 'webgpu' on the page's shared device; 'auto' chooses as an app's load would (its own device). */
      backend?: BackendOption;
    } = {},
  ) {
    return guarded(async () => {
      const backend = options.backend ?? 'webgpu';
      const device = backend === 'webgpu' ? (await sharedGpu()).device : undefined;
      const t0 = performance.now();
      const model = await loadModel(url, {
        backend,
        device,
        inputShape: options.inputShape,
        logits: options.logits,
        architecture: options.architecture,
        allowNonFinite: options.allowNonFinite,
        limits: options.limits,
      });
      const handle = nextHandle++;
      models.set(handle, model);
      return {
        handle,
        info: model.info,
        loadMs: performance.now() - t0,
        preprocessing: model.preprocessing,
        metadata: model.metadata,
        backend: model.backend,
        backendReason: model.backendReason,
        adapter: model.adapterName,
      };
    });
  },
  async run(handle: number, inputs: WireTensor[], options: { allowNonFinite?: boolean } = {}) {
    return guarded(async () => {
      const model = models.get(handle);
      if (!model) throw new Error(`no model with handle ${handle}`);
      const t0 = performance.now();
      const outputs = await model.run(inputs.map(fromWire), options);
      return { outputs: outputs.map(toWire), ms: performance.now() - t0 };
    });
  },
  /** Profiles a loaded model (see Model.profile); the PlanProfile is plain JSON. */
  async profile(handle: number, inputs: WireTensor[], options: ProfileOptions = {}) {
    return guarded(async () => {
      const model = models.get(handle);
      if (!model) throw new Error(`no model with handle ${handle}`);
      if (model.backend !== 'webgpu') throw new Error('profiling times GPU passes: load the model with backend webgpu');
      const profile = await model.profile(inputs.map(fromWire), options);
      // The model was given the shared device, so it only knows it as "caller-supplied": name the adapter.
      return { ...profile, adapter: (await sharedGpu()).adapterName };
    });
  },
  /** Whether the shared device can time passes (for tests and the CLI's note). */
  async hasTimestampQuery() {
    return guarded(async () => (await sharedGpu()).hasTimestampQuery);
  },
  async dispose(handle: number) {
    await models.get(handle)?.dispose();
    models.delete(handle);
  },
  /**
   * Tensors of any size cross in parts (see ../wire.ts, WIRE_PART_FLOATS): `stage` fills a tensor
   * here part by part (id 0 starts a new one and returns its id), `runStaged` runs a model on
   * staged inputs and stages its outputs, `take` returns part of a staged tensor, `drop` frees them.
   */
  stage(id: number, totalFloats: number, offset: number, b64: string): number {
    let data = staged.get(id);
    if (!data) staged.set((id = nextStaged++), (data = new Float32Array(totalFloats)));
    data.set(base64ToF32(b64), offset);
    return id;
  },
  /** Runs a loaded model on staged inputs; with `progress`, reports each chunk of a big batch to Node (miProgress). */
  async runStaged(handle: number, inputs: { id: number; shape: number[] }[], options: { allowNonFinite?: boolean; progress?: boolean } = {}) {
    return guarded(async () => {
      const model = models.get(handle);
      if (!model) throw new Error(`no model with handle ${handle}`);
      const t0 = performance.now();
      const report = (globalThis as unknown as { miProgress?: (done: number, total: number) => void }).miProgress;
      const tensors = inputs.map(({ id, shape }) => ({ shape, data: staged.get(id) ?? new Float32Array(0) }));
      for (const { id } of inputs) staged.delete(id); // freed whatever the run's outcome
      const outputs = await model.run(tensors, {
        allowNonFinite: options.allowNonFinite,
        onProgress: options.progress && report ? (p) => void report(p.done, p.total) : undefined,
      });
      const ids = outputs.map((o) => {
        staged.set(nextStaged, o.data);
        return { id: nextStaged++, shape: [...o.shape] };
      });
      return { outputs: ids, ms: performance.now() - t0 };
    });
  },
  /** Grad-CAM of a loaded model on a staged input (see Model.explain); the maps and logits are staged for `take`. */
  async explainStaged(handle: number, input: { id: number; shape: number[] }, options: { classIndex?: number; layer?: string } = {}) {
    return guarded(async () => {
      const model = models.get(handle);
      if (!model) throw new Error(`no model with handle ${handle}`);
      const data = staged.get(input.id) ?? new Float32Array(0);
      staged.delete(input.id);
      const t0 = performance.now();
      const e = await model.explain({ shape: input.shape, data }, options);
      const stage = (t: { shape: readonly number[]; data: Float32Array }) => {
        staged.set(nextStaged, t.data);
        return { id: nextStaged++, shape: [...t.shape] };
      };
      return { maps: stage(e.maps), logits: stage(e.logits), classIndex: e.classIndex, layer: e.layer, targetShape: e.targetShape, ms: performance.now() - t0 };
    });
  },
  take(id: number, offset: number, count: number): string {
    return f32ToBase64(staged.get(id)!.subarray(offset, offset + count));
  },
  drop(ids: number[]): void {
    for (const id of ids) staged.delete(id);
  },
};

/** Tensors being passed to or from Node in parts, by id. */
const staged = new Map<number, Float32Array>();
let nextStaged = 1;

export type PageApi = typeof api;
(globalThis as unknown as { mi: PageApi }).mi = api;
(globalThis as unknown as { miReady: boolean }).miReady = true;
