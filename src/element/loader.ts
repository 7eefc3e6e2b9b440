/**
 * Opening a model for the element through the public API only: find its metadata, download it with
 * progress, compile the plan for one image, and warm up, reporting one progress value over all of
 * it. The three phases get fixed shares of the bar, because only the download has a measurable size.
 */
import { loadModel, WebGPUUnavailableError, type Model, type ModelSource } from '../index.ts';
import { asMetadata, resolvePreprocess, type ModelMetadata, type PreprocessAttributes } from './config.ts';

/** Where loading is; `fraction` is of the whole load, 0..1. */
export interface LoadPhase {
  phase: 'download' | 'compile' | 'warmup';
  fraction: number;
  /** Human-readable, e.g. "Downloading model: 1.2 of 3.4 MB". */
  text: string;
}

/** The share of the progress bar each phase ends at. */
const DOWNLOAD_END = 0.8;
const COMPILE_END = 0.95;

export interface OpenedModel {
  model: Model;
  metadata?: ModelMetadata;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** True when `source` is a set of files (an `<input type=file multiple>`'s), not a URL or bytes. */
function asFileArray(source: ModelSource): File[] | undefined {
  if (typeof FileList !== 'undefined' && source instanceof FileList) return Array.from(source);
  if (Array.isArray(source) && source.every((f) => typeof File !== 'undefined' && f instanceof File)) return source as File[];
  return undefined;
}

/**
 * The model's metadata: from `metadataUrl` when given ('none' disables it), else a `metadata.json`
 * beside a URL model, or among the given files. A missing or malformed file is not an error: the
 * model's own declared shape then decides.
 */
async function findMetadata(
  source: ModelSource,
  metadataUrl: string | undefined,
  signal: AbortSignal,
): Promise<{ metadata?: ModelMetadata; source: ModelSource }> {
  if (metadataUrl === 'none') return { source };
  const files = asFileArray(source);
  if (files) {
    const meta = files.find((f) => f.name === 'metadata.json');
    if (!meta) return { source };
    const rest = files.filter((f) => f !== meta);
    try {
      return { metadata: asMetadata(JSON.parse(await meta.text())), source: rest };
    } catch {
      return { source: rest };
    }
  }
  const url = metadataUrl ?? (typeof source === 'string' || source instanceof URL ? siblingMetadata(String(source)) : undefined);
  if (!url) return { source };
  try {
    const res = await fetch(url, { signal });
    if (!res.ok) return { source };
    return { metadata: asMetadata(await res.json()), source };
  } catch (err) {
    if (signal.aborted) throw err;
    return { source };
  }
}

/** `metadata.json` in the model's folder. */
function siblingMetadata(modelUrl: string): string | undefined {
  try {
    return new URL('metadata.json', new URL(modelUrl, document.baseURI)).href;
  } catch {
    return undefined;
  }
}

/**
 * Fails fast where WebGPU cannot work. loadModel finds this out too, but only after the download
 * (it reads the model before it asks for a GPU), so a browser without an adapter would fetch the
 * whole model just to be told it cannot run it. This probe asks only whether an adapter exists.
 */
async function requireWebGPU(): Promise<void> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new WebGPUUnavailableError('WebGPU is not available in this browser (navigator.gpu is missing).');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'WebGPU is present but no GPU adapter is available (the GPU may be blocklisted, or WebGPU disabled in the browser settings).',
    );
  }
}

/**
 * Loads, compiles and warms up the model. The warm-up classifies one blank image of the model's
 * input size, so the first real image does not pay for pipeline creation.
 */
export async function openModel(
  source: ModelSource,
  opts: {
    metadataUrl?: string;
    attributes: () => PreprocessAttributes;
    signal: AbortSignal;
    onPhase: (p: LoadPhase) => void;
  },
): Promise<OpenedModel> {
  const { signal, onPhase } = opts;
  await requireWebGPU();
  onPhase({ phase: 'download', fraction: 0, text: 'Downloading model…' });
  const found = await findMetadata(source, opts.metadataUrl, signal);
  let shown = 0;
  const model = await loadModel(found.source, {
    signal,
    onProgress: ({ loadedBytes, totalBytes }) => {
      // loaded = total whenever every file started so far is complete, which includes the moment
      // model.json is done and its weight shards have not started: the bar would run to the end and
      // jump back. Such reports update the text only, and the bar never moves backwards.
      if (totalBytes && loadedBytes < totalBytes) shown = Math.max(shown, loadedBytes / totalBytes);
      const f = shown;
      const text = totalBytes
        ? `Downloading model: ${mb(loadedBytes)} of ${mb(totalBytes)}`
        : `Downloading model: ${mb(loadedBytes)}`;
      onPhase({ phase: 'download', fraction: f * DOWNLOAD_END, text });
    },
  });
  try {
    signal.throwIfAborted();
    const pre = resolvePreprocess(opts.attributes(), found.metadata, model.info.inputs[0]?.shape ?? []);
    onPhase({ phase: 'compile', fraction: DOWNLOAD_END, text: 'Compiling shaders…' });
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
    return { model, metadata: found.metadata };
  } catch (err) {
    await model.dispose();
    throw err;
  }
}
