/**
 * The element's events and their `detail`s. All bubble and cross the shadow boundary (composed), so
 * a page can listen on the element or on any ancestor.
 */
import type { BackendName, LoadedModel, ModelInfo, ModelPreprocessing } from '../index.ts';
import type { ModelMetadata } from './config.ts';
import type { LabelledProbability } from './probabilities.ts';
import type { LoadPhase } from './loader.ts';
import type { MiExplainDetail } from './heatmap.ts';

/** `mi-load`: the model is downloaded, compiled and warmed up. */
export interface MiLoadDetail {
  info: ModelInfo;
  /** The GPU adapter the model runs on (e.g. "google swiftshader ..."), or "WebAssembly (ONNX Runtime Web)". */
  adapter: string;
  /** Where the model runs: 'webgpu' or 'wasm' (ONNX Runtime Web). */
  backend: BackendName;
  /** Why, e.g. "software adapter (SwiftShader): WebAssembly is faster". */
  backendReason: string;
  /** The `metadata.json` found beside the model, if any. */
  metadata?: ModelMetadata;
  /**
   * How images are preprocessed for this model (attributes on top of the engine's resolution): the
   * values, where each came from, and `usedDefault`/`reason` when the engine had to assume 1/255.
   */
  preprocessing: ModelPreprocessing;
  /** Milliseconds from the start of the download to the end of the warm-up. */
  ms: number;
}

/** The `mi-load` detail for a model that finished loading `ms` after `t0`. */
export function loadDetail(
  model: Pick<LoadedModel, 'info' | 'adapterName' | 'backend' | 'backendReason'>,
  metadata: ModelMetadata | undefined,
  preprocessing: ModelPreprocessing,
  t0: number,
): MiLoadDetail {
  const { info, adapterName: adapter, backend, backendReason } = model;
  return { info, adapter, backend, backendReason, metadata, preprocessing, ms: performance.now() - t0 };
}

/** `mi-result`: an image was classified. */
export interface MiResultDetail {
  /** One entry per bar, most probable first. */
  probabilities: LabelledProbability[];
  /** Milliseconds for preprocessing, inference and read-back of this image. */
  ms: number;
  /** The model's raw output vector for the image (what Keras `predict` returns). */
  outputs: number[];
  /** Shape of that output, batch first. */
  outputShape: number[];
  adapter: string;
  backend: BackendName;
  backendReason: string;
}

/** `mi-error`: loading the model or classifying an image failed. */
export interface MiErrorDetail {
  /** The engine's error code (`WEBGPU_UNAVAILABLE`, `MODEL_FETCH`, `MODEL_FORMAT`, ...) or `IMAGE_LOAD`/`ERROR`. */
  code: string;
  message: string;
}

/**
 * `mi-progress`: loading moved on. One stream per load, in phase order download → compile → warmup;
 * `fraction` (of the whole load) never decreases and ends at 1 just before `mi-load`.
 */
export type MiProgressDetail = LoadPhase;

declare global {
  interface HTMLElementEventMap {
    'mi-progress': CustomEvent<MiProgressDetail>;
    'mi-load': CustomEvent<MiLoadDetail>;
    'mi-result': CustomEvent<MiResultDetail>;
    'mi-error': CustomEvent<MiErrorDetail>;
    'mi-explain': CustomEvent<MiExplainDetail>;
  }
}

/** Makes one of the element's events. */
export function miEvent<T>(type: string, detail: T): CustomEvent<T> {
  return new CustomEvent<T>(type, { detail, bubbles: true, composed: true });
}

/** An error's code and message, for `mi-error` and the visible message. */
export function errorDetail(err: unknown, fallbackCode = 'ERROR'): MiErrorDetail {
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : fallbackCode;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(err);
  return { code, message };
}
