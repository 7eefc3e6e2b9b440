/**
 * The public API, shared by the browser entry (index.ts) and the Node entry (node.ts).
 */
import type { DeviceOptions } from './gpu/device.ts';
import { chooseBackend, withFallback, type BackendChoice, type BackendOption } from './gpu/backend-choice.ts';
import { buildGraph } from './compile/from-keras.ts';
import { inputScalingLayer } from './graph/input-scaling.ts';
import type { Graph } from './graph/ir.ts';
import { exactNonFinite } from './compile/passes/exact-non-finite.ts';
import { optimizeGraph } from './compile/passes/index.ts';
import { stripOutputActivation } from './compile/passes/logits.ts';
import type { KerasModel } from './formats/keras-model.ts';
import { readKerasModel, type ModelSource, type ReadOptions } from './formats/read-model.ts';
import { findModelMetadata, type FoundMetadata, type MetadataOption } from './formats/model-metadata.ts';
import { resolvePreprocessing } from './runtime/preprocess-resolve.ts';
import { Model } from './model.ts';
import type { ModelDescription } from './runtime/model-base.ts';
import { WasmModel } from './wasm/wasm-model.ts';
import { loadOrt, type WasmOptions } from './wasm/ort.ts';
import { AbortError, ShapeError } from './errors.ts';
import type { AutotuneOptions } from './scheduler/autotune.ts';

export interface LoadOptions extends DeviceOptions, ReadOptions {
  /** Compile the plan for this input shape (batch first) during load, so the first predict is fast. */
  inputShape?: number[];
  /**
   * Return logits: drop a final sigmoid or softmax so outputs are the values before it
   * (what classifiers are compared on). Default false: outputs are what Keras `predict` returns.
   */
  logits?: boolean;
  /**
   * Keras layer names (or graph tensor names) whose outputs are returned too, after the model's own
   * outputs, in this order: for locating where a result first diverges from a reference. A layer
   * named here is not fused with the layers after it (BatchNorm folding, activation fusion), since
   * its own output must exist.
   */
  extraOutputs?: readonly string[];
  /**
   * Kernel autotuning when a plan is made: true or absent measures the candidate kernels of each
   * tunable layer on this device (within a time budget) and remembers the choice per adapter, so
   * the next load skips it; false uses the built-in rules only; an object sets the mode ('on',
   * 'cached', 'off'), the budget in ms, and the cache (see scheduler/autotune.ts, tune-cache.ts).
   */
  autotune?: boolean | AutotuneOptions;
  /**
   * The model's metadata.json (labels, input recipe): the object, its URL, or false to use none.
   * Default: found beside a URL model (`metadata.json`; for a .h5/.keras `<stem>.metadata.json`
   * first) or among the given files. Missing or malformed is no error: see `model.preprocessing.notes`.
   */
  metadata?: MetadataOption;
  /**
   * Let NaN and ±Infinity in inputs through by default (each call can still say otherwise, see
   * RunOptions); they come out as NaN wherever IEEE arithmetic takes them. Also pins 3×3 convs to a
   * direct kernel so that propagation is exact per element (Winograd would spread a NaN to its
   * whole 4×4 tile; src/compile/passes/exact-non-finite.ts). Non-finite WEIGHTS are refused at load
   * regardless (NonFiniteError naming the layer and weight).
   */
  allowNonFinite?: boolean;
  /**
   * Where the model runs. 'auto' (the default): WebGPU on a hardware GPU; WebAssembly (ONNX Runtime
   * Web, an optional peer) when there is no WebGPU, no adapter, only a software adapter (SwiftShader,
   * llvmpipe, a fallback adapter), or no device could be made. A `device` given means WebGPU.
   * 'webgpu' or 'wasm' force one. `model.backend` and `model.backendReason` say what was chosen and why.
   */
  backend?: BackendOption;
  /** The WebAssembly backend's set-up: how to import ONNX Runtime Web, wasmPaths, threads (src/wasm/ort.ts). */
  wasm?: WasmOptions;
}

/** A loaded model on either backend; `backend` tells which ('webgpu': Model, 'wasm': WasmModel). */
export type LoadedModel = Model | WasmModel;

/**
 * Loads a Keras model (TF.js layers model.json + shards, Keras 2/3 `.h5`, Keras 3 `.keras`) from a
 * URL, files, or bytes, and prepares it for its backend (`options.backend`): a `Model` on WebGPU, a
 * `WasmModel` on WebAssembly, with the same calls.
 */
export function loadModel(source: ModelSource, options: LoadOptions & { backend: 'wasm' }): Promise<WasmModel>;
export function loadModel(source: ModelSource, options: LoadOptions & ({ backend: 'webgpu' } | { device: GPUDevice; backend?: 'auto' | 'webgpu' })): Promise<Model>;
export function loadModel(source: ModelSource, options?: LoadOptions): Promise<LoadedModel>;
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<LoadedModel> {
  // The backend first: a browser without WebGPU (or ONNX Runtime for it) should fail at once, not
  // after downloading the model; 'auto' asks for the GPU's adapter before anything is fetched.
  const choice = await chooseBackendReady(options);
  const gpu = choice.gpu;
  const ownsDevice = !options.device;
  try {
    // The metadata is small and optional: look for it while the model downloads.
    const metadata = findModelMetadata(source, options.metadata, options);
    metadata.catch(() => undefined); // an abort rejects both; the model's rejection is the one reported
    const graph = buildGraph(await readKerasModel(source, options));
    options.signal?.throwIfAborted();
    const model = await createModel(graph, choice, ownsDevice, options, await metadata);
    if (options.signal?.aborted) {
      await model.dispose();
      options.signal.throwIfAborted();
    }
    return model;
  } catch (err) {
    if (ownsDevice) gpu?.device.destroy();
    throw options.signal?.aborted ? aborted(options.signal, err) : err;
  }
}

/**
 * The backend (gpu/backend-choice.ts), with ONNX Runtime Web loaded when it is WebAssembly: a missing
 * runtime fails before the model downloads, or, where WebAssembly was only preferred over a software
 * adapter, leaves the model on WebGPU.
 */
async function chooseBackendReady(options: LoadOptions): Promise<BackendChoice> {
  const choice = await chooseBackend(options.backend, options);
  return withFallback(choice, () => loadOrt(options.wasm, choice.reason), options, options.backend);
}

/**
 * The typed error for a load its signal stopped, whatever it failed with on the way (a fetch's
 * DOMException, a ModelFetchError for a body cut short, the signal's own reason).
 */
function aborted(signal: AbortSignal, err: unknown): AbortError {
  if (err instanceof AbortError) return err;
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  return new AbortError(`Loading the model was aborted${why ? `: ${why}` : ''}`, { cause: err });
}

/** Builds a model from an already-read KerasModel (the backend chosen as loadModel chooses it). */
export function modelFromKeras(keras: KerasModel, options: LoadOptions & { backend: 'wasm' }): Promise<WasmModel>;
export function modelFromKeras(keras: KerasModel, options: LoadOptions & ({ backend: 'webgpu' } | { device: GPUDevice; backend?: 'auto' | 'webgpu' })): Promise<Model>;
export function modelFromKeras(keras: KerasModel, options?: LoadOptions): Promise<LoadedModel>;
export async function modelFromKeras(keras: KerasModel, options: LoadOptions = {}): Promise<LoadedModel> {
  return modelFromGraph(buildGraph(keras), options);
}

/** Builds a model from a graph (optimising it first; the backend chosen as loadModel chooses it). */
export function modelFromGraph(graph: Graph, options: LoadOptions & { backend: 'wasm' }): Promise<WasmModel>;
export function modelFromGraph(graph: Graph, options: LoadOptions & ({ backend: 'webgpu' } | { device: GPUDevice; backend?: 'auto' | 'webgpu' })): Promise<Model>;
export function modelFromGraph(graph: Graph, options?: LoadOptions): Promise<LoadedModel>;
export async function modelFromGraph(graph: Graph, options: LoadOptions = {}): Promise<LoadedModel> {
  const choice = await chooseBackendReady(options);
  try {
    return await createModel(graph, choice, !options.device, options, await findModelMetadata(undefined, options.metadata, options));
  } catch (err) {
    if (!options.device) choice.gpu?.device.destroy();
    throw err;
  }
}

async function createModel(graph: Graph, choice: BackendChoice, ownsDevice: boolean, options: LoadOptions, found: FoundMetadata): Promise<LoadedModel> {
  // Preprocessing is read off the graph as Keras wrote it, before passes rewrite it.
  const preprocessing = resolvePreprocessing({
    declared: graph.inputs.length === 1 ? graph.inputs[0].shape : undefined,
    metadata: found.metadata,
    metadataFrom: found.from,
    metadataNotes: found.notes,
    inputLayer: inputScalingLayer(graph),
    modelFile: found.modelFile,
  });
  const base = options.logits ? stripOutputActivation(graph) : graph;
  const exact = options.allowNonFinite ? exactNonFinite(base) : base;
  const optimized = optimizeGraph(options.extraOutputs?.length ? withExtraOutputs(exact, options.extraOutputs) : exact);
  const tuning: AutotuneOptions =
    options.autotune === false ? { mode: 'off' } : options.autotune === true || options.autotune === undefined ? {} : options.autotune;
  const description: ModelDescription = {
    metadata: found.metadata,
    preprocessing,
    allowNonFinite: options.allowNonFinite,
    limits: options.limits,
    backendReason: choice.reason,
    // explain() works on the graph as written (Keras names, BatchNorm unfolded), logits option aside.
    sourceGraph: options.allowNonFinite ? exactNonFinite(graph) : graph,
  };
  // 'auto' on a device of its own: if that device is lost and no new one can be had, WebAssembly.
  if (choice.gpu && ownsDevice && (options.backend ?? 'auto') === 'auto') {
    description.deviceLossFallback = async () => {
      const reason = 'the GPU device was lost and no new one could be had';
      await loadOrt(options.wasm, reason);
      return new WasmModel(optimized, { ...description, backendReason: reason }, options.wasm);
    };
  }
  const model = choice.gpu ? new Model(optimized, choice.gpu, ownsDevice, tuning, description) : new WasmModel(optimized, description, options.wasm);
  if (options.inputShape) {
    try {
      // A big batch: the GPU's plan of its chunks; on WebAssembly, the session.
      await model.prepare(model instanceof Model ? model.runShapes([options.inputShape]) : [options.inputShape]);
    } catch (err) {
      await model.dispose();
      throw err;
    }
  }
  return model;
}

/** The graph with these layers' (first call's) outputs appended to its outputs. */
function withExtraOutputs(graph: Graph, names: readonly string[]): Graph {
  const produced = new Set(graph.nodes.map((n) => n.output));
  const extra = names.map((name) => {
    const tensor = produced.has(name) ? name : `${name}:0:0`;
    if (!produced.has(tensor)) throw new ShapeError(`extraOutputs: no layer named "${name}" in this model`);
    return tensor;
  });
  return { ...graph, outputs: [...graph.outputs, ...extra] };
}

export { Model } from './model.ts';
export type { ModelInfo, RunOptions, MemoryLimits } from './model.ts';
export { WasmModel } from './wasm/wasm-model.ts';
export { useOnnxRuntime, type WasmOptions } from './wasm/ort.ts';
export { softwareAdapter, type BackendOption, type BackendName } from './gpu/backend-choice.ts';
export { DEFAULT_LIMITS, LIMIT_FLAGS, type EngineLimits } from './limits.ts';
export type { BatchProgress } from './runtime/batch-chunks.ts';
export { checkImageBlob, readImageHeader, type ImageHeader } from './runtime/image-header.ts';
export type { ModelMetadata, MetadataOption } from './formats/model-metadata.ts';
export type { ModelPreprocessing, PreprocessSource, PreprocessField, ResolvedPreprocessOptions } from './runtime/preprocess-resolve.ts';
export type { ModelSource, ReadOptions } from './formats/read-model.ts';
export { clearModelCache, MODEL_CACHE_NAME, type ModelCacheOption } from './formats/model-cache.ts';
export type { IntegrityOption } from './formats/integrity.ts';
export type { KerasModel, KerasLayer } from './formats/keras-model.ts';
export { buildGraph } from './compile/from-keras.ts';
export type { Graph, GraphNode } from './graph/ir.ts';
export { tensor, sizeOf, type Tensor } from './tensor.ts';
export { gpuMemoryStats, type GpuMemoryStats } from './gpu/memory.ts';
export * from './errors.ts';
export type { PreprocessOptions, ImageInput, PixelImage } from './runtime/preprocess-options.ts';
export { decodeImageBitmap } from './runtime/preprocess-source.ts';
export type { ExecutionPlan } from './runtime/execution-plan.ts';
export { predictVolumeTiled, receptiveField, type TiledVolumeOptions } from './runtime/tiled-volume.ts';
export type { PlanProfile, ProfileOptions, StepProfile } from './runtime/profile.ts';
export type { AutotuneOptions, TuneReport, TuneDecision } from './scheduler/autotune.ts';
export { memoryTuneCache, persistentTuneCache, type TuneCache } from './scheduler/tune-cache.ts';
export { aggregateByLayer, formatLayerTable, toChromeTrace, type LayerProfile, type ChromeTrace } from './runtime/profile-report.ts';
export { loadImage, sniffMedicalImage, type LoadImageOptions, type LoadImageSource, type ImageFileSource } from './runtime/load-image.ts';
export { toModelImage, toVolumeTensor, isMedicalImage, type ModelImageOptions, type VolumeOptions } from './runtime/medical-input.ts';
export type { MedicalImage, WindowSpec, VoiWindow, VoiLut } from './formats/medical/types.ts';
export { readNifti, isNifti, type NiftiReadOptions, type NiftiImage, type NiftiHeader } from './formats/nifti/index.ts';
export type { VolumeOrientation } from './formats/model-metadata.ts';
export type { ResolvedIntensity, IntensityField } from './runtime/preprocess-resolve.ts';
export type { Explanation } from './explain/grad-cam.ts';
export type { ExplainOptions } from './explain/explainer.ts';
export { heatmapToRgba, describeHeatmap, overlayHeatmap, upsampleMap, colormapColor, COLORMAPS, type Colormap, type HeatmapStyle } from './explain/overlay.ts';
export { segmentVolume, type SegmentModel, type SegmentOptions, type SegmentResult, type SegmentProgress, type SegmentStage } from './segment/segment.ts';
export { estimateSegmentation, type SegmentEstimate } from './segment/estimate.ts';
export { conformGrid, resampleLinear, resampleNearest, type ConformSpec, type Grid } from './segment/conform.ts';
export { DEFAULT_PALETTE, type LabelEntry, type LabelVolume } from './segment/labels.ts';
export { writeNifti, type NiftiWriteOptions, type NiftiWriteType } from './formats/nifti/write.ts';
