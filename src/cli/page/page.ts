/**
 * The page that the CLI and the GPU tests drive through puppeteer: it exposes the engine on
 * `window.mi` with JSON-friendly functions (tensors travel as base64, see ../wire.ts).
 */
import { acquireGpu, type GpuContext } from '../../gpu/device.ts';
import { loadModel, modelFromGraph, type Model } from '../../index.ts';
import { fromWire, graphFromWire, toWire, type WireGraph, type WireTensor } from '../wire.ts';
import { EngineError } from '../../errors.ts';
import type { ProfileOptions } from '../../runtime/profile.ts';

let shared: Promise<GpuContext> | undefined;
const models = new Map<number, Model>();
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
  async load(url: string, options: { inputShape?: number[]; logits?: boolean; architecture?: unknown; allowNonFinite?: boolean } = {}) {
    return guarded(async () => {
      const gpu = await sharedGpu();
      const t0 = performance.now();
      const model = await loadModel(url, {
        device: gpu.device,
        inputShape: options.inputShape,
        logits: options.logits,
        architecture: options.architecture,
        allowNonFinite: options.allowNonFinite,
      });
      const handle = nextHandle++;
      models.set(handle, model);
      return { handle, info: model.info, loadMs: performance.now() - t0, preprocessing: model.preprocessing, metadata: model.metadata };
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
};

export type PageApi = typeof api;
(globalThis as unknown as { mi: PageApi }).mi = api;
(globalThis as unknown as { miReady: boolean }).miReady = true;
