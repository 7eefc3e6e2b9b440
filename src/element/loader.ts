/**
 * Opening a model for the element through the public API only: download it with progress (the
 * engine finds its metadata.json on the way), compile the plan for one image, and warm up, reporting
 * one progress value over all of it. The three phases get fixed shares of the bar, because only the
 * download has a measurable size.
 */
import { loadModel, type BackendOption, type LoadedModel, type ModelPreprocessing, type ModelSource } from '../index.ts';
import { attributeOptions, withSize, type ModelMetadata, type PreprocessAttributes } from './config.ts';

/** Where loading is; `fraction` is of the whole load, 0..1. */
export interface LoadPhase {
  phase: 'download' | 'compile' | 'warmup';
  fraction: number;
  /** Download phase: bytes of the model's files had so far, from the network or the model cache. */
  loadedBytes?: number;
  /** Download phase: the files' total size, once the server (or the cache) said. */
  totalBytes?: number;
  /** Human-readable, e.g. "Downloading model: 1.2 of 3.4 MB". */
  text: string;
}

/** The share of the progress bar each phase ends at. */
const DOWNLOAD_END = 0.8;
const COMPILE_END = 0.95;

export interface OpenedModel {
  model: LoadedModel;
  metadata?: ModelMetadata;
  /** The engine's preprocessing with the element's attributes on top, as at load time. */
  preprocessing: ModelPreprocessing;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Loads, compiles and warms up the model. The warm-up classifies one blank image of the model's
 * input size, so the first real image does not pay for pipeline creation.
 */
export async function openModel(
  source: ModelSource,
  opts: {
    /** URL of the model's metadata.json; 'none' uses none; default: the engine looks beside the model. */
    metadataUrl?: string;
    attributes: () => PreprocessAttributes;
    signal: AbortSignal;
    onPhase: (p: LoadPhase) => void;
    /** False: do not keep the model's files in the Cache API (default: the engine's, on). */
    cache?: boolean;
    /** Expected `sha256-<base64>` of the model file. */
    integrity?: string;
    /** Where the model runs (loadModel's `backend`; default 'auto'). */
    backend?: BackendOption;
  },
): Promise<OpenedModel> {
  const { signal, onPhase } = opts;
  onPhase({ phase: 'download', fraction: 0, text: 'Downloading model…' });
  let shown = 0;
  // loadModel chooses the backend (WebGPU, or WebAssembly where there is no usable GPU) before it
  // downloads anything, so a browser that can run neither learns it without fetching the model.
  const model = await loadModel(source, {
    backend: opts.backend,
    signal,
    metadata: opts.metadataUrl === 'none' ? false : opts.metadataUrl,
    onProgress: ({ loadedBytes, totalBytes }) => {
      // loaded = total whenever every file started so far is complete, which includes the moment
      // model.json is done and its weight shards have not started: the bar would run to the end and
      // jump back. Such reports update the text only, and the bar never moves backwards.
      if (totalBytes && loadedBytes < totalBytes) shown = Math.max(shown, loadedBytes / totalBytes);
      const f = shown;
      const text = totalBytes
        ? `Downloading model: ${mb(loadedBytes)} of ${mb(totalBytes)}`
        : `Downloading model: ${mb(loadedBytes)}`;
      onPhase({ phase: 'download', fraction: f * DOWNLOAD_END, loadedBytes, totalBytes, text });
    },
    cache: opts.cache,
    integrity: opts.integrity,
  });
  try {
    signal.throwIfAborted();
    const preprocessing = model.resolvePreprocessing(attributeOptions(opts.attributes()));
    if (model.info.inputs[0]?.shape.length === 5) {
      // A volume model (<mi-segmenter>, 3-D): its plans are made per tile when a volume comes; an
      // image warm-up means nothing to it.
      onPhase({ phase: 'warmup', fraction: 1, text: 'Ready' });
      return { model, metadata: model.metadata, preprocessing };
    }
    const pre = withSize(preprocessing.options);
    const compiling = model.backend === 'webgpu' ? 'Compiling shaders…' : 'Starting WebAssembly…';
    onPhase({ phase: 'compile', fraction: DOWNLOAD_END, text: compiling });
    await model.prepare([[1, pre.height, pre.width, pre.channels]]);
    signal.throwIfAborted();
    onPhase({ phase: 'warmup', fraction: COMPILE_END, text: 'Warming up…' });
    // A bitmap, not ImageData: the engine copies browser images through a different path than
    // in-memory pixels, and the warm-up must build the one that real images (files, src) take.
    const blank = await createImageBitmap(new ImageData(pre.width, pre.height));
    try {
      await model.predictImage(blank, pre);
    } finally {
      blank.close();
    }
    signal.throwIfAborted();
    onPhase({ phase: 'warmup', fraction: 1, text: 'Ready' });
    return { model, metadata: model.metadata, preprocessing };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}

/** A model the page loaded or built itself (not a source to load). */
export const isLoadedModel = (m: unknown): m is LoadedModel =>
  typeof m === 'object' && m !== null && typeof (m as LoadedModel).predictImage === 'function' && typeof (m as LoadedModel).prepare === 'function';

/**
 * The page's own model: no download, and the page keeps ownership (the element never disposes it).
 * The plan for its input size is compiled now when it declares one (a fully convolutional U-Net may
 * not: its plan is made for the first image's size; a volume model's per tile).
 */
export async function useGivenModel(model: LoadedModel, attributes: PreprocessAttributes, onPhase: (p: LoadPhase) => void): Promise<void> {
  if (model.info.inputs[0]?.shape.length === 5) {
    // A volume model: its plans are made per tile when a volume comes. Preparing its declared size
    // (MeshNet: 256³) as an image would make a plan never used, a minute's work on WebAssembly.
    onPhase({ phase: 'warmup', fraction: 1, text: 'Ready' });
    return;
  }
  const pre = model.resolvePreprocessing(attributeOptions(attributes)).options;
  onPhase({ phase: 'compile', fraction: 0.5, text: 'Compiling shaders…' });
  if (pre.height && pre.width) await model.prepare([[1, pre.height, pre.width, pre.channels ?? 3]]);
  onPhase({ phase: 'warmup', fraction: 1, text: 'Ready' });
}
