/**
 * Runs inside the test page for test/gpu/device-lost.test.ts: the model's device is destroyed with
 * calls in flight (`device.destroy()` is how a test loses a device on purpose; a driver reset or a
 * GPU process crash reaches the engine through the same `lost` promise), then the model is used again.
 */
import { gpuMemoryStats, loadModel, tensor, type Model, type Tensor } from '../../src/index.ts';

/** An engine error as plain data (it crosses into Node). */
export interface Failure {
  name: string;
  code?: string;
  message: string;
  reason?: string;
  recovers?: boolean;
  isGpuExecutionError: boolean;
}

type Outcome = { ok: number[] } | { failed: Failure };

async function outcome(p: Promise<Tensor>): Promise<Outcome> {
  try {
    return { ok: Array.from((await p).data) };
  } catch (err) {
    const e = err as Error & { code?: string; reason?: string; recovers?: boolean };
    const { GPUExecutionError } = await import('../../src/index.ts');
    return { failed: { name: e.name, code: e.code, message: e.message, reason: e.reason, recovers: e.recovers, isGpuExecutionError: e instanceof GPUExecutionError } };
  }
}

function input(k: number): Tensor {
  const data = new Float32Array(64 * 64 * 3);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7 + k * 101) % 256) / 255;
  return tensor(data, [1, 64, 64, 3]);
}

/** A 64×64 RGBA image as pixels, for predictImage. */
function pixels(k: number) {
  const data = new Uint8ClampedArray(64 * 64 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 13 + k * 71) % 256;
  return { data, width: 64, height: 64, channels: 4 as const };
}

/**
 * Destroys `device` just after its next submit, so the run that submitted it is truly in flight
 * (its commands queued, its read-back pending) when the device goes, whatever the timing.
 */
function destroyAfterFirstSubmit(device: GPUDevice): void {
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submit(buffers);
    queue.submit = submit;
    device.destroy();
  };
}

export interface OwnedDeviceReport {
  /** The answers for inputs 0, 1, 2 before the loss. */
  before: number[][];
  beforeImage: number[];
  /** Calls started before the loss, still running when it happened. */
  inFlight: Outcome[];
  /** Calls made after the loss was known (the lost promise had settled), all started together. */
  after: Outcome[];
  afterImage: Outcome;
  newDevice: boolean;
  /** Live GPU buffers left on the lost device once the model moved on (its plans were freed). */
  leftOnLostDevice: number;
  /** Live GPU buffers on any device after dispose. */
  afterDispose: number;
}

/** A model that requested its own device: in-flight calls report the loss, the next ones recover. */
export async function ownedDevice(url: string): Promise<OwnedDeviceReport> {
  const baseline = gpuMemoryStats().liveBuffers;
  const model: Model = await loadModel(url, { backend: 'webgpu', autotune: false, inputShape: [1, 64, 64, 3] });
  const before: number[][] = [];
  for (const k of [0, 1, 2]) before.push(Array.from((await model.predict(input(k))).data));
  const beforeImage = Array.from((await model.predictImage(pixels(0))).data);
  const lost = model.gpu.device;
  destroyAfterFirstSubmit(lost);
  const inFlight = [0, 1, 2].map((k) => outcome(model.predict(input(k))));
  const inFlightDone = await Promise.all(inFlight);
  await lost.lost;
  const after = await Promise.all([0, 1, 2].map((k) => outcome(model.predict(input(k)))));
  const afterImage = await outcome(model.predictImage(pixels(0)));
  const report = {
    before,
    beforeImage,
    inFlight: inFlightDone,
    after,
    afterImage,
    newDevice: model.gpu.device !== lost,
    leftOnLostDevice: gpuMemoryStats(lost).liveBuffers,
    afterDispose: 0,
  };
  await model.dispose();
  report.afterDispose = gpuMemoryStats().liveBuffers - baseline;
  return report;
}

export interface SuppliedDeviceReport {
  before: number[];
  inFlight: Outcome;
  after: Outcome[];
  /** The same model loaded again with a new device the caller made. */
  reloaded: Outcome;
}

/** A model on the caller's device: the loss is reported on every call; a new device must be given. */
export async function suppliedDevice(url: string): Promise<SuppliedDeviceReport> {
  const adapter = (await navigator.gpu.requestAdapter())!;
  const device = await adapter.requestDevice();
  const model = await loadModel(url, { autotune: false, device, inputShape: [1, 64, 64, 3] });
  const before = Array.from((await model.predict(input(0))).data);
  destroyAfterFirstSubmit(device);
  const inFlight = outcome(model.predict(input(0)));
  const inFlightDone = await inFlight;
  await device.lost;
  const after = [await outcome(model.predict(input(0))), await outcome(model.predictImage(pixels(0)).then((t) => t))];
  await model.dispose();
  const fresh = await (await navigator.gpu.requestAdapter())!.requestDevice();
  const again = await loadModel(url, { autotune: false, device: fresh });
  const reloaded = await outcome(again.predict(input(0)));
  await again.dispose();
  fresh.destroy();
  return { before, inFlight: inFlightDone, after, reloaded };
}

export interface FallbackReport {
  before: { backend: string; reason: string; adapter: string };
  after: { backend: string; reason: string; adapter: string };
  answersBefore: number[][];
  answersAfter: Outcome[];
  imageBefore: number[];
  imageAfter: Outcome;
}

/**
 * A GPU that goes away for good: the model (backend 'auto', on a device of its own) runs on an
 * adapter that passes for hardware (SwiftShader in disguise, so 'auto' keeps WebGPU), then its
 * device is destroyed and the GPU stops offering adapters. The next calls move it to WebAssembly.
 */
export async function fallsToWasm(url: string): Promise<FallbackReport> {
  const real = navigator.gpu;
  let gone = false;
  // WebIDL methods must be called on the real adapter: bind them; only `info` is replaced.
  const disguised = (adapter: GPUAdapter): GPUAdapter =>
    new Proxy(adapter, {
      get(target, prop) {
        if (prop === 'info') return { vendor: 'test', architecture: 'pretend-hardware', device: '', description: 'a GPU that goes away' };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const gpu = {
    requestAdapter: async (o?: GPURequestAdapterOptions) => (gone ? null : disguised((await real.requestAdapter(o))!)),
    getPreferredCanvasFormat: () => real.getPreferredCanvasFormat(),
    wgslLanguageFeatures: real.wgslLanguageFeatures,
  } as unknown as GPU;
  const model = await loadModel(url, { gpu, autotune: false, inputShape: [1, 64, 64, 3] });
  const state = () => ({ backend: model.backend, reason: model.backendReason, adapter: model.adapterName });
  try {
    const before = state();
    const answersBefore: number[][] = [];
    for (const k of [0, 1, 2]) answersBefore.push(Array.from((await model.predict(input(k))).data));
    const imageBefore = Array.from((await model.predictImage(pixels(0))).data);
    if (!('gpu' in model)) throw new Error(`expected a WebGPU model, got ${model.backend}: ${model.backendReason}`);
    const lost = (model as Model).gpu.device;
    gone = true;
    lost.destroy();
    await lost.lost;
    const answersAfter = await Promise.all([0, 1, 2].map((k) => outcome(model.predict(input(k)))));
    const imageAfter = await outcome(model.predictImage(pixels(0)));
    return { before, after: state(), answersBefore, answersAfter, imageBefore, imageAfter };
  } finally {
    await model.dispose();
  }
}
