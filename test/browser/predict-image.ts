/**
 * Runs inside the test page: Model.predictImage with NO preprocessing options, on real PNGs decoded
 * by the browser, so the model's own resolution (metadata.json, else its input Rescaling layer)
 * decides everything. The model comes by URL, or as the one File a user would drop.
 */
import { loadModel, type BackendName, type LoadOptions, type ModelSource } from '../../src/index.ts';
import { decodeImageBitmap } from '../../src/runtime/preprocess-source.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';
import type { ModelPreprocessing } from '../../src/runtime/preprocess-resolve.ts';

async function fetchOk(url: string): Promise<Blob> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.blob();
}

/**
 * Loads the model (`asFile`: fetched and given as a lone File named like the URL's file, with no
 * metadata beside it), classifies the images as one batch with no options, and reports the outputs
 * and the preprocessing the model resolved.
 */
export async function predictWithoutOptions(
  modelUrl: string,
  imageUrls: string[],
  opts: { asFile?: boolean; metadata?: false; backend?: BackendName } = {},
): Promise<{ output: WireTensor; preprocessing: ModelPreprocessing; metadataLabels?: string[]; backend: BackendName }> {
  const source: ModelSource = opts.asFile ? [new File([await fetchOk(modelUrl)], modelUrl.split('/').pop()!)] : modelUrl;
  const options: LoadOptions = { autotune: false, ...(opts.metadata === false ? { metadata: false } : {}) };
  const model = await loadModel(source, { ...options, backend: opts.backend ?? 'webgpu' });
  const images = await Promise.all(imageUrls.map(async (u) => decodeImageBitmap(await fetchOk(u))));
  try {
    const output = await model.predictImage(images);
    return { output: toWire(output), preprocessing: model.preprocessing, metadataLabels: model.metadata?.labels, backend: model.backend };
  } finally {
    for (const b of images) b.close();
    await model.dispose();
  }
}
