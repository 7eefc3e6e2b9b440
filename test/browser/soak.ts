/**
 * Runs inside the test page for test/gpu/soak.test.ts: one model kept between calls (the Node side
 * measures the heap between batches of runs), and load/dispose cycles, with the engine's own count
 * of live GPU objects (src/gpu/memory.ts) read before and after.
 */
import { gpuMemoryStats, loadModel, tensor, type GpuMemoryStats, type Model, type Tensor } from '../../src/index.ts';

/** The device of the shared-device cycles, kept between calls so a warm-up call fills its pipeline cache. */
let sharedDevice: GPUDevice | undefined;

/** The soaked model, kept between page.evaluate calls. */
let model: Model | undefined;
let inputs: Tensor[] = [];
/** Each distinct input's output after warm-up: every later run of that input must equal it. */
let expected: Float32Array[] = [];

/** `count` different 64×64×3 inputs, the same every call. */
function makeInputs(count: number): Tensor[] {
  return Array.from({ length: count }, (_, k) => {
    const data = new Float32Array(64 * 64 * 3);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 31 + k * 977) % 256) / 255;
    return tensor(data, [1, 64, 64, 3]);
  });
}

export interface SoakStart {
  /** Live GPU objects of the model's device after warm-up (what must not grow). */
  device: GpuMemoryStats;
  distinctOutputs: number;
}

/**
 * Loads the model with the default options (background autotuning included), warms up with
 * `warmup` runs and waits for tuning to finish, so the plan used from here on is final.
 */
export async function start(url: string, warmup: number, distinct = 8): Promise<SoakStart> {
  model = await loadModel(url, { backend: 'webgpu' });
  inputs = makeInputs(distinct);
  for (let i = 0; i < warmup; i++) await model.predict(inputs[i % distinct]);
  await model.whenTuned([[1, 64, 64, 3]]);
  expected = [];
  for (const x of inputs) expected.push((await model.predict(x)).data);
  return { device: gpuMemoryStats(model.gpu.device), distinctOutputs: new Set(expected.map((e) => e.join(','))).size };
}

export interface SoakBatch {
  /** Wall time of each run, ms (reported, never asserted). */
  ms: number[];
  /** Runs whose output differed from the same input's output after warm-up. */
  mismatches: number;
  device: GpuMemoryStats;
}

/** `runs` predictions one after another, cycling through the inputs from `offset`. */
export async function batch(runs: number, offset: number): Promise<SoakBatch> {
  if (!model) throw new Error('start() first');
  const ms: number[] = [];
  let mismatches = 0;
  for (let i = 0; i < runs; i++) {
    const k = (offset + i) % inputs.length;
    const t0 = performance.now();
    const y = await model.predict(inputs[k]);
    ms.push(performance.now() - t0);
    if (y.data.length !== expected[k].length || y.data.some((v, j) => v !== expected[k][j])) mismatches++;
  }
  return { ms, mismatches, device: gpuMemoryStats(model.gpu.device) };
}

export interface ImageSoak {
  /** Live GPU objects after the first image (its preprocessing objects made) and after the last. */
  afterFirst: GpuMemoryStats;
  afterAll: GpuMemoryStats;
  /** Images whose answer differed from the first time the same pixels were classified. */
  mismatches: number;
}

/**
 * `runs` predictImage calls on the soaked model, through the element's path (GPU resize and
 * normalisation into the plan's input), alternating two 80×80 images of the same size and kind.
 */
export async function imageBatch(runs: number): Promise<ImageSoak> {
  if (!model) throw new Error('start() first');
  const images = [0, 1].map((k) => {
    const data = new Uint8ClampedArray(80 * 80 * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + k * 89) % 256;
    return { data, width: 80, height: 80, channels: 4 as const };
  });
  const first: Float32Array[] = [];
  let afterFirst: GpuMemoryStats | undefined;
  let mismatches = 0;
  for (let i = 0; i < runs; i++) {
    const k = i % 2;
    const y = (await model.predictImage(images[k])).data;
    if (!first[k]) first[k] = y;
    else if (y.some((v, j) => v !== first[k][j])) mismatches++;
    if (i === 1) afterFirst = gpuMemoryStats(model.gpu.device);
  }
  return { afterFirst: afterFirst!, afterAll: gpuMemoryStats(model.gpu.device), mismatches };
}

/** Disposes the soaked model; the live counts of its device afterwards (all zero when nothing leaked). */
export async function finish(): Promise<GpuMemoryStats> {
  const device = model!.gpu.device;
  await model!.dispose();
  model = undefined;
  return gpuMemoryStats(device);
}

export interface CycleReport {
  /** Every device's live objects before the first load and after the last dispose. */
  before: GpuMemoryStats;
  after: GpuMemoryStats;
  /** Cycles after which live buffers were not back to `before`. */
  leakyCycles: number[];
  /** The first cycle's output, and how many cycles gave a different one. */
  firstOutput: number[];
  differentOutputs: number;
  ms: number[];
}

/**
 * `cycles` times: load the model (its plan compiled during load), predict once, dispose. With
 * `shared`, every load uses one device the page made (pipelines stay cached on it, so a cycle is
 * quick; the same device in every call until releaseSharedDevice); without, each load requests and
 * destroys a device of its own, as a page would.
 */
export async function loadDisposeCycles(url: string, cycles: number, shared: boolean): Promise<CycleReport> {
  if (shared) sharedDevice ??= await (await navigator.gpu.requestAdapter())!.requestDevice();
  const device = shared ? sharedDevice : undefined;
  const [x] = makeInputs(1);
  const before = gpuMemoryStats();
  const leakyCycles: number[] = [];
  const ms: number[] = [];
  let firstOutput: number[] | undefined;
  let differentOutputs = 0;
  for (let c = 0; c < cycles; c++) {
    const t0 = performance.now();
    // backend 'webgpu': on this machine's software adapter 'auto' would take WebAssembly, and these
    // cycles are about GPU buffers and devices.
    const m = await loadModel(url, { device, backend: 'webgpu', inputShape: [1, 64, 64, 3], autotune: false, cache: false });
    const y = Array.from((await m.predict(x)).data);
    await m.dispose();
    ms.push(performance.now() - t0);
    firstOutput ??= y;
    if (y.some((v, i) => v !== firstOutput![i])) differentOutputs++;
    if (gpuMemoryStats().liveBuffers !== before.liveBuffers) leakyCycles.push(c);
  }
  const after = gpuMemoryStats();
  return { before, after, leakyCycles, firstOutput: firstOutput ?? [], differentOutputs, ms };
}

/** Destroys the device of the shared-device cycles. */
export function releaseSharedDevice(): void {
  sharedDevice?.destroy();
  sharedDevice = undefined;
}
