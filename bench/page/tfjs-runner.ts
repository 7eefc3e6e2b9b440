/**
 * TF.js in the benchmark page. Its prebuilt UMD bundles are loaded with script tags straight from
 * node_modules (served by the page's Vite server): TF.js is hundreds of CommonJS-flavoured modules,
 * which Vite would otherwise have to pre-bundle, and the engine's own page never loads it.
 */
import type { TfjsBundle } from './tfjs-bundle.ts';
import { steadyTimes, type TimedRuns } from './timed-runs.ts';

export type TfBackend = 'webgpu' | 'webgl' | 'wasm';

/** The subset of the `tf` global the benchmark uses. */
interface TfTensor {
  data(): Promise<Float32Array>;
  dispose(): void;
  shape: number[];
}
interface TfModel {
  predict(x: TfTensor): TfTensor | TfTensor[];
  dispose(): void;
}
interface Tf {
  version: { tfjs: string };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  tensor(data: Float32Array, shape: number[]): TfTensor;
  loadLayersModel(handler: unknown): Promise<TfModel>;
  io: { fromMemory(artifacts: unknown): unknown };
  wasm?: { setWasmPaths(prefix: string): void };
  env(): { set(flag: string, value: unknown): void };
}

const NM = '/node_modules/@tensorflow';
const SCRIPTS: Record<TfBackend | 'core', string> = {
  core: `${NM}/tfjs/dist/tf.min.js`,
  webgpu: `${NM}/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js`,
  wasm: `${NM}/tfjs-backend-wasm/dist/tf-backend-wasm.min.js`,
  webgl: '', // part of the tfjs union bundle
};
const loaded = new Map<string, Promise<void>>();

function script(src: string): Promise<void> {
  let p = loaded.get(src);
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = () => resolve();
      s.onerror = () => reject(new Error(`could not load ${src}`));
      document.head.appendChild(s);
    });
    loaded.set(src, p);
  }
  return p;
}

/** Loads TF.js and the backend's bundle and makes it current; returns the `tf` global. */
export async function useBackend(backend: TfBackend): Promise<Tf> {
  await script(SCRIPTS.core);
  if (SCRIPTS[backend]) await script(SCRIPTS[backend]);
  const tf = (globalThis as unknown as { tf: Tf }).tf;
  if (backend === 'wasm') tf.wasm?.setWasmPaths(`${NM}/tfjs-backend-wasm/dist/`);
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`TF.js backend ${backend} did not initialise`);
  return tf;
}

/**
 * Cold start = loadLayersModel from the in-memory bundle → first result read back (TF.js compiles
 * its shaders on first use); then `runs` steady-state predictions, each uploading the input and
 * reading the output back, as ours does.
 */
export async function timeTfjs(
  backend: TfBackend,
  bundle: TfjsBundle,
  input: Float32Array,
  shape: number[],
  plan: (firstMs: number) => number,
): Promise<TimedRuns> {
  const tf = await useBackend(backend);
  const once = async (model: TfModel) => {
    const x = tf.tensor(input, shape);
    const y = model.predict(x);
    const out = Array.isArray(y) ? y[0] : y;
    await out.data();
    x.dispose();
    for (const t of Array.isArray(y) ? y : [y]) t.dispose();
  };
  const t0 = performance.now();
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: bundle.modelTopology, weightSpecs: bundle.weightSpecs, weightData: bundle.weightData }),
  );
  try {
    await once(model);
    const coldMs = performance.now() - t0;
    const times = await steadyTimes(() => once(model), plan);
    return { coldMs, times, version: tf.version.tfjs };
  } finally {
    model.dispose();
  }
}
