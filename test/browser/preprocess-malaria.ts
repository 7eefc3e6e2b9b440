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
  if (!m) models.set(url, (m = loadModel(url, { logits: true })));
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

/** predictImage on these PNGs as one batch. */
export async function predictPngs(modelUrl: string, imageUrls: string[]): Promise<WireTensor> {
  const model = await modelAt(modelUrl);
  const images = await bitmaps(imageUrls);
  try {
    return toWire(await model.predictImage(images));
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
