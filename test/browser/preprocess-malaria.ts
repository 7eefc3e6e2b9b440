/**
 * Runs inside the test page: real PNGs decoded by the browser (fetch → createImageBitmap without
 * colour conversion or premultiplied alpha) through Model.preprocess and Model.predictImage, i.e.
 * the copyExternalImageToTexture → texture entry point of shaders/preprocess.wgsl.
 */
import { loadModel, type Model } from '../../src/index.ts';
import { decodeImageBitmap } from '../../src/runtime/preprocess-source.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';

const models = new Map<string, Promise<Model>>();

function modelAt(url: string): Promise<Model> {
  let m = models.get(url);
  if (!m) models.set(url, (m = loadModel(url, { backend: 'webgpu', logits: true })));
  return m;
}

async function bitmaps(urls: string[]): Promise<ImageBitmap[]> {
  return Promise.all(
    urls.map(async (u) => {
      const res = await fetch(u);
      if (!res.ok) throw new Error(`${u}: HTTP ${res.status}`);
      return decodeImageBitmap(await res.blob());
    }),
  );
}

/** The model input predictImage would make from these PNGs (`[N, H, W, C]`). */
export async function preprocessPngs(modelUrl: string, imageUrls: string[]): Promise<WireTensor> {
  const model = await modelAt(modelUrl);
  const images = await bitmaps(imageUrls);
  try {
    return toWire(await model.preprocess(images));
  } finally {
    for (const b of images) b.close();
  }
}

/** What a call did to the GPU: submits, and buffers/textures/bind groups it created. */
export interface GpuCalls {
  submits: number;
  creates: number;
}

/** Runs `fn` while counting the device's submits and object creations (wrappers removed after). */
async function counting<T>(device: GPUDevice, fn: () => Promise<T>): Promise<[T, GpuCalls]> {
  const calls: GpuCalls = { submits: 0, creates: 0 };
  const queue = device.queue;
  const saved = { submit: queue.submit, createBuffer: device.createBuffer, createTexture: device.createTexture, createBindGroup: device.createBindGroup };
  queue.submit = function (this: GPUQueue, ...a: Parameters<GPUQueue['submit']>) {
    calls.submits++;
    return saved.submit.apply(this, a);
  };
  for (const name of ['createBuffer', 'createTexture', 'createBindGroup'] as const) {
    (device as unknown as Record<string, unknown>)[name] = function (this: GPUDevice, ...a: unknown[]) {
      calls.creates++;
      return (saved[name] as (...x: unknown[]) => unknown).apply(this, a);
    };
  }
  try {
    return [await fn(), calls];
  } finally {
    queue.submit = saved.submit;
    device.createBuffer = saved.createBuffer;
    device.createTexture = saved.createTexture;
    device.createBindGroup = saved.createBindGroup;
  }
}

/**
 * predictImage on these PNGs as one batch, twice: the first run may build the plan and the
 * preprocessing objects, the second must create nothing. Each must submit once.
 */
export async function predictPngs(modelUrl: string, imageUrls: string[]): Promise<{ logits: WireTensor[]; calls: GpuCalls[] }> {
  const model = await modelAt(modelUrl);
  const device = model.gpu.device;
  const images = await bitmaps(imageUrls);
  try {
    await model.prepare([[images.length, 224, 224, 3]]);
    // Background autotuning (which would start after the first run) is done first: its measuring
    // is not the run path being counted here.
    await model.whenTuned([[images.length, 224, 224, 3]]);
    const [first, c1] = await counting(device, () => model.predictImage(images));
    const [second, c2] = await counting(device, () => model.predictImage(images));
    return { logits: [toWire(first), toWire(second)], calls: [c1, c2] };
  } finally {
    for (const b of images) b.close();
  }
}

/** Frees the models this module loaded. */
export async function disposeModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  for (const m of all) await (await m).dispose();
}
