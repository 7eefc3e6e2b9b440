/**
 * ONNX Runtime Web in the benchmark page, on the model src/onnx exports from the graph of the
 * same KerasModel the other engines load. Its ES-module builds are imported straight from
 * node_modules (served by the page's Vite server, like TF.js's bundles in tfjs-runner.ts), and
 * `env.wasm.wasmPaths` points its .wasm/.mjs loaders there too: nothing comes from a CDN.
 *
 * Two builds, one per column, as a site would ship them: ort.wasm (the plain WASM EP) and
 * ort.webgpu (the WebGPU EP, in the asyncify WASM build). They are separate
 * module instances with their own `env`, so they coexist in the page. The page is not
 * cross-origin isolated, so WASM runs one thread, as TF.js's WASM backend does here.
 */
import type * as Ort from 'onnxruntime-web';
import { steadyTimes, type TimedRuns } from './timed-runs.ts';

export type OrtBackend = 'wasm' | 'webgpu';

const DIST = '/node_modules/onnxruntime-web/dist/';
const BUILDS: Record<OrtBackend, string> = { wasm: `${DIST}ort.wasm.min.mjs`, webgpu: `${DIST}ort.webgpu.min.mjs` };
const loaded = new Map<OrtBackend, Promise<typeof Ort>>();

/** Imports the build for `backend` once and points it at the local WASM files. */
export function useOrt(backend: OrtBackend): Promise<typeof Ort> {
  let p = loaded.get(backend);
  if (!p) {
    p = (import(/* @vite-ignore */ BUILDS[backend]) as Promise<typeof Ort>).then((ort) => {
      ort.env.wasm.wasmPaths = DIST;
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.proxy = false;
      ort.env.logLevel = 'error';
      return ort;
    });
    loaded.set(backend, p);
  }
  return p;
}

export interface OrtRuns extends TimedRuns {
  /** The first output of the cold run, channels-last (Keras' order), for the correctness check. */
  output: Float32Array;
}

/**
 * Cold start = InferenceSession.create from the in-memory ONNX bytes → first result read back
 * (the EP's kernel compilation included); then, if `accept` takes that first result, `runs`
 * steady-state runs, each uploading the input
 * and reading the output back to the CPU, as ours and TF.js do.
 */
export async function timeOrt(
  backend: OrtBackend,
  onnx: Uint8Array,
  inputName: string,
  outputName: string,
  input: Float32Array,
  shape: number[],
  plan: (firstMs: number) => number,
  accept: (output: Float32Array) => boolean,
): Promise<OrtRuns> {
  const ort = await useOrt(backend);
  const once = async (session: Ort.InferenceSession): Promise<Float32Array> => {
    const x = new ort.Tensor('float32', input, shape);
    const out = await session.run({ [inputName]: x });
    const y = out[outputName];
    // getData() downloads GPU-resident outputs; with the default 'cpu' output location it is a copy.
    const data = (await y.getData()) as Float32Array;
    for (const t of Object.values(out)) t.dispose();
    return data;
  };
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(onnx, {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
  try {
    const output = await once(session);
    const coldMs = performance.now() - t0;
    const version = `${ort.env.versions.web ?? ort.env.versions.common ?? '?'}`;
    // Correctness before speed: a wrong answer is not timed.
    if (!accept(output)) return { coldMs, times: [], version, output };
    const times = await steadyTimes(() => once(session), plan);
    return { coldMs, times, version, output };
  } finally {
    await session.release();
  }
}
