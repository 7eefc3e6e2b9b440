/**
 * Runs inside the test page: loadImage from a URL (a DICOM, a NIfTI), then predictImage given the
 * MedicalImage itself vs given the pixels toModelImage makes with the model's resolved window and
 * range (and, for a 3-D model, predict on toVolumeTensor scaled by the recipe), on WebGPU and on
 * WebAssembly. Reports the largest differences.
 */
import { loadImage, loadModel, toModelImage, toVolumeTensor, type BackendName } from '../../src/index.ts';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

export interface MedicalReport {
  backend: BackendName;
  imageShape: number[];
  preprocessShape: number[];
  /** preprocess(medical) vs preprocess(toModelImage(medical)): the same pixels by two routes. */
  preprocessDiff: number;
  /** predictImage(medical) vs predictImage(pixels). */
  predictDiff: number;
  /** predictImage(medical, { window }) vs predictImage(toModelImage(medical, { window })). */
  optionWindowDiff: number;
  /** The window option changed the input (it is not ignored). */
  optionWindowMoved: number;
}

/** A 2-D classifier given a DICOM by URL. */
export async function classifyDicom(modelUrl: string, dicomUrl: string, backend: BackendName): Promise<MedicalReport> {
  const model = await loadModel(modelUrl, { autotune: false, backend });
  try {
    const image = await loadImage(dicomUrl);
    const { window, range } = model.preprocessing.intensity;
    const pixels = toModelImage(image, { window, range });
    const viaMedical = await model.preprocess(image);
    const viaPixels = await model.preprocess(pixels);
    const a = await model.predictImage(image);
    const b = await model.predictImage(pixels);
    const lung = { center: -600, width: 1500 };
    const c = await model.predictImage(image, { window: lung });
    const d = await model.predictImage(toModelImage(image, { window: lung, range }));
    const lungInput = await model.preprocess(image, { window: lung });
    return {
      backend: model.backend,
      imageShape: image.shape,
      preprocessShape: [...viaMedical.shape],
      preprocessDiff: maxDiff(viaMedical.data, viaPixels.data),
      predictDiff: maxDiff(a.data, b.data),
      optionWindowDiff: maxDiff(c.data, d.data),
      optionWindowMoved: maxDiff(lungInput.data, viaMedical.data),
    };
  } finally {
    await model.dispose();
  }
}

/** A 3-D MeshNet given a NIfTI by URL: predictImage(volume) vs predict(the tensor built by hand). */
export async function segmentNifti(modelUrl: string, niftiUrl: string, backend: BackendName): Promise<{ backend: BackendName; shape: number[]; diff: number }> {
  const model = await loadModel(modelUrl, { autotune: false, backend });
  try {
    const image = await loadImage(niftiUrl);
    const out = await model.predictImage(image);
    const t = toVolumeTensor(image, model.preprocessing.intensity);
    const o = model.preprocessing.options;
    const data = t.data.map((v) => (v * o.scale + o.offset - o.mean[0]) / o.std[0]);
    const ref = await model.predict({ data, shape: t.shape });
    return { backend: model.backend, shape: [...out.shape], diff: maxDiff(out.data, ref.data) };
  } finally {
    await model.dispose();
  }
}
