/**
 * Runs inside the test page: the WebAssembly model's public surface next to the WebGPU model's on
 * the bundled malaria CNN (run with extra outputs, batches, predictImage and preprocess on browser
 * images, non-finite inputs, limits, abort, dispose), and predictVolumeTiled on WebAssembly. Returns
 * plain numbers and error names for the test to judge.
 */
import { loadModel, modelFromGraph, predictVolumeTiled, type LoadedModel, type Tensor } from '../../src/index.ts';
import { decodeImageBitmap } from '../../src/runtime/preprocess-source.ts';
import { tiledNetwork } from './tiled-volume.ts';
import { randomTensor } from '../util/random.ts';

const maxDiff = (a: Tensor, b: Tensor): number => {
  if (a.data.length !== b.data.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (!(d <= m)) m = d;
  }
  return m;
};

/** The error's class name and code, or 'none' when the call succeeded. */
async function failure(call: () => Promise<unknown>): Promise<{ name: string; code?: string; message: string } | 'none'> {
  try {
    await call();
    return 'none';
  } catch (err) {
    const e = err as Error & { code?: string };
    return { name: e.name, code: e.code, message: e.message };
  }
}

export interface SurfaceReport {
  backends: string[];
  extraOutputName: string;
  outputShapes: (readonly number[])[][];
  /** |wasm − webgpu| per output of run() with an extra output (the model's output first). */
  runDiffs: number[];
  /** One sample vs the same sample inside a batch of 3, on wasm. */
  batchDiff: number;
  /** preprocess(): the CPU tensor vs the GPU kernel's, both from the same ImageBitmaps. */
  preprocessDiff: number;
  preprocessShape: readonly number[];
  /** predictImage: wasm vs webgpu on the same images. */
  predictImageDiff: number;
  nonFinite: unknown;
  nonFiniteAllowed: unknown;
  limit: unknown;
  aborted: unknown;
  /** A call aborted while it waited behind another call on the same model. */
  abortedInQueue: unknown;
  disposed: unknown;
  badShape: unknown;
}

export async function surface(modelUrl: string, imageUrls: string[]): Promise<SurfaceReport> {
  const probe = await loadModel(modelUrl, { backend: 'wasm' });
  const extra = probe.info.layers.find((l) => l.kerasClass === 'Conv2D')!.name;
  await probe.dispose();
  const wasm = await loadModel(modelUrl, { backend: 'wasm', extraOutputs: [extra] });
  const gpu = await loadModel(modelUrl, { backend: 'webgpu', extraOutputs: [extra], autotune: false });
  const models: LoadedModel[] = [wasm, gpu];
  const images = await Promise.all(imageUrls.map(async (u) => decodeImageBitmap(await (await fetch(u)).blob())));
  try {
    const x = randomTensor([3, 64, 64, 3], 11, 0, 1);
    const [w, g] = [await wasm.run([x]), await gpu.run([x])];
    const one = await wasm.run([{ shape: [1, 64, 64, 3], data: x.data.slice(64 * 64 * 3, 2 * 64 * 64 * 3) }]);
    const row = (t: Tensor, i: number): Tensor => {
      const n = t.data.length / t.shape[0];
      return { shape: [1, ...t.shape.slice(1)], data: t.data.slice(i * n, (i + 1) * n) };
    };
    const single = await loadModel(modelUrl, { backend: 'wasm' });
    models.push(single);
    const [cpuPre, gpuPre] = [await wasm.preprocess(images), await gpu.preprocess(images)];
    const [wImg, gImg] = [await single.predictImage(images), await (await loadAndKeep(modelUrl, models)).predictImage(images)];
    const nan = { shape: [1, 64, 64, 3], data: new Float32Array(64 * 64 * 3).fill(0.5) };
    nan.data[5] = NaN;
    const limited = await loadModel(modelUrl, { backend: 'wasm', limits: { maxTensorElements: 1000 } });
    models.push(limited);
    const abort = new AbortController();
    abort.abort(new Error('stop'));
    const report: SurfaceReport = {
      backends: [wasm.backend, gpu.backend],
      extraOutputName: extra,
      outputShapes: [w.map((t) => t.shape), g.map((t) => t.shape)],
      runDiffs: w.map((t, i) => maxDiff(t, g[i])),
      batchDiff: maxDiff(one[0], row(w[0], 1)),
      preprocessDiff: maxDiff(cpuPre, gpuPre),
      preprocessShape: cpuPre.shape,
      predictImageDiff: maxDiff(wImg, gImg),
      nonFinite: await failure(() => single.predict(nan)),
      nonFiniteAllowed: await failure(() => single.predict(nan, { allowNonFinite: true })),
      limit: await failure(() => limited.predict(x)),
      aborted: await failure(() => single.predict(x, { signal: abort.signal })),
      badShape: await failure(() => single.predict({ shape: [1, 32, 32, 3], data: new Float32Array(32 * 32 * 3) })),
      abortedInQueue: 'none',
      disposed: 'none',
    };
    const stop = new AbortController();
    const first = single.predict(x);
    const queued = failure(() => single.predict(x, { signal: stop.signal }));
    stop.abort(new Error('changed my mind'));
    await first;
    report.abortedInQueue = await queued;
    await single.dispose();
    report.disposed = await failure(() => single.predict(x));
    return report;
  } finally {
    for (const b of images) b.close();
    for (const m of models) await m.dispose();
  }
}

async function loadAndKeep(url: string, keep: LoadedModel[]): Promise<LoadedModel> {
  const m = await loadModel(url, { backend: 'webgpu', autotune: false });
  keep.push(m);
  return m;
}

/** predictVolumeTiled on WebAssembly vs the whole volume on WebAssembly and on WebGPU. */
export async function tiledOnWasm(shape: number[], tile: number) {
  const wasm = await modelFromGraph(tiledNetwork(), { backend: 'wasm' });
  const gpu = await modelFromGraph(tiledNetwork(), { backend: 'webgpu', autotune: false });
  try {
    const x = randomTensor(shape, 7, 0, 1);
    const whole = await wasm.predict(x);
    let tiles = 0;
    const tiled = await predictVolumeTiled(wasm, x, { tile, onProgress: (_, total) => (tiles = total) });
    const onGpu = await gpu.predict(x);
    return { tiles, shape: tiled.shape, tiledVsWhole: maxDiff(tiled, whole), wasmVsGpu: maxDiff(whole, onGpu) };
  } finally {
    await wasm.dispose();
    await gpu.dispose();
  }
}

/** Loads the model on WebAssembly with ORT's .wasm looked for in a folder that does not have it (a fresh page: ORT sets up once). */
export async function wrongWasmPaths(modelUrl: string) {
  return failure(async () => {
    const m = await loadModel(modelUrl, { backend: 'wasm', wasm: { wasmPaths: '/nowhere/' }, inputShape: [1, 64, 64, 3] });
    await m.dispose();
  });
}
