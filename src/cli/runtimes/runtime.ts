/**
 * Where `mi` runs a model: in headless Chromium (WebGPU in a page served by Vite) or in Node
 * (Dawn from npm `webgpu`). Both sit behind this small interface so predict, bench and profile
 * share them.
 */
import type { BackendName, BackendOption } from '../../gpu/backend-choice.ts';
import type { ModelInfo } from '../../model.ts';
import type { ModelMetadata, ModelPreprocessing } from '../../runtime/preprocess-resolve.ts';
import type { EngineLimits } from '../../limits.ts';
import type { Tensor } from '../../tensor.ts';
import { isInstalled, MissingPackageError } from '../optional-package.ts';

export type RuntimeName = 'chromium' | 'node';

/** The files of one model on disk. */
export interface ModelFiles {
  /** model.json (its shards beside it), a full-model .h5, a .keras, or a weights-only .h5. */
  model: string;
  /** Architecture JSON (`model.to_json()`) for a weights-only .h5. */
  architecture?: string;
}

export interface LoadOptions {
  /** Compile for this input shape (batch first) during load, so run() times only the run. */
  inputShape?: number[];
  /** Drop a final sigmoid/softmax (outputs are logits). */
  logits?: boolean;
  /** The engine's limits (src/limits.ts), from mi's --max-* flags. */
  limits?: Partial<EngineLimits>;
  /** Where the model runs (loadModel's `backend`; mi's --backend). Default 'webgpu'. */
  backend?: BackendOption;
}

export interface RunOptions {
  /** Samples of the batch done so far, after each chunk of a big batch (see runtime/batch-chunks.ts). */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** model.explain's options that cross to the runtime (mi explain's --class, --layer). */
export interface ExplainRequest {
  classIndex?: number;
  layer?: string;
}

/** model.explain's result (src/explain/grad-cam.ts), with the time it took. */
export interface ExplainResult {
  maps: Tensor;
  logits: Tensor;
  classIndex: number[];
  layer: string;
  targetShape: number[];
  ms: number;
}

/** What a runtime says about the model it loaded. */
export interface LoadedModel {
  info: ModelInfo;
  loadMs: number;
  /** The engine's preprocessing for images, before any flag (model.preprocessing). */
  preprocessing: ModelPreprocessing;
  /** The metadata.json found beside the model (model.metadata). */
  metadata?: ModelMetadata;
  /** What runs the model ('webgpu' | 'wasm') and why (model.backend, model.backendReason). */
  backend: BackendName;
  backendReason: string;
}

export interface Runtime {
  readonly name: RuntimeName;
  /** The WebGPU adapter's description; known once a model is loaded. */
  readonly adapterName: string;
  /** Loads one model (a runtime holds one at a time). */
  load(files: ModelFiles, options?: LoadOptions): Promise<LoadedModel>;
  /** Runs the loaded model: one tensor per input, one per output in Keras' order. */
  run(inputs: Tensor[], options?: RunOptions): Promise<{ outputs: Tensor[]; ms: number }>;
  /** Grad-CAM of the loaded model on one input tensor (model.explain). */
  explain(input: Tensor, options?: ExplainRequest): Promise<ExplainResult>;
  /** Frees the model and the GPU, stops the browser and the server. Safe to call twice. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Folders the runtime must be able to read (the model's; Chromium serves only these). */
  allow: string[];
  /** Chromium only: launch without --enable-unsafe-webgpu (tests the no-adapter path). */
  noWebgpu?: boolean;
  /** Chromium only: extra command-line flags. */
  chromiumFlags?: string[];
}

/**
 * Starts a runtime; the heavy modules (puppeteer and a page server, or Dawn) load only for the one
 * used. 'auto' is Chromium when puppeteer is installed, else Dawn when `webgpu` is, else an error
 * that names both install commands.
 */
export async function openRuntime(name: RuntimeName | 'auto', options: RuntimeOptions): Promise<Runtime> {
  const chosen = name === 'auto' ? chooseRuntime() : name;
  if (chosen === 'node') return (await import('./node.ts')).openNodeRuntime();
  return (await import('./chromium.ts')).openChromiumRuntime(options);
}

/** The runtime 'auto' means here: whichever optional peer is installed, Chromium first. */
export function chooseRuntime(): RuntimeName {
  if (isInstalled('puppeteer') || isInstalled('puppeteer-core')) return 'chromium';
  if (isInstalled('webgpu')) return 'node';
  throw new MissingPackageError(
    'mi needs a WebGPU runtime: npm install puppeteer (headless Chromium, the default) or npm install webgpu (Dawn, --runtime node)',
  );
}
