/**
 * What a loaded model is, whatever runs it: the graph, its metadata, preprocessing and limits, and
 * the checks every call makes before any backend sees the data. The WebGPU model (src/model.ts) and
 * the WebAssembly model (src/wasm/wasm-model.ts) both extend this, so an input refused on one is
 * refused on the other with the same error, and outputs are named and ordered the same way.
 */
import { ShapeError } from '../errors.ts';
import type { BackendName } from '../gpu/backend-choice.ts';
import { inputScalingLayer } from '../graph/input-scaling.ts';
import type { Graph } from '../graph/ir.ts';
import { checkLimit, resolveLimits, type EngineLimits } from '../limits.ts';
import { checkInputFinite } from '../non-finite.ts';
import { shapeToString, sizeOf, type Tensor } from '../tensor.ts';
import type { BatchProgress } from './batch-chunks.ts';
import { checkImageSize } from './image-header.ts';
import type { Explanation } from '../explain/grad-cam.ts';
import { Explainer, type ExplainOptions, type ExplainRunner } from '../explain/explainer.ts';
import { isMedicalImage, normaliseVolume, toModelImage, toVolumeTensor } from './medical-input.ts';
import type { ImageInput, PreprocessOptions } from './preprocess-options.ts';
import { resolvePreprocessing, withOverrides, type ModelMetadata, type ModelPreprocessing } from './preprocess-resolve.ts';
import type { ImageSource } from './preprocess-source.ts';
import type { PreprocessSpec } from './preprocess-spec.ts';

export interface ModelInfo {
  name: string;
  format: string;
  kerasVersion: string;
  inputs: { name: string; shape: (number | null)[] }[];
  outputs: string[];
  layers: { name: string; kerasClass: string; op: string }[];
}

/** What a model knows about its own use besides the graph (see loadModel). */
export interface ModelDescription {
  /** The model's metadata.json, when one was found or given. */
  metadata?: ModelMetadata;
  /** Resolved without explicit options; default: from the graph alone. */
  preprocessing?: ModelPreprocessing;
  /** Default of RunOptions.allowNonFinite for this model's calls (the load option). */
  allowNonFinite?: boolean;
  /** The load option `limits` (src/limits.ts): sizes refused before allocating, batch chunking. */
  limits?: Partial<EngineLimits>;
  /** Why the model runs on its backend (model.backendReason). */
  backendReason?: string;
  /**
   * WebGPU models loaded with backend 'auto' on a device of their own: the WebAssembly model to move
   * to when the device is lost and no new one can be had (src/model.ts, liveDevice).
   */
  deviceLossFallback?: () => Promise<ModelBase>;
  /**
   * The graph as Keras wrote it, before passes (BatchNorm folding, fusion) and the logits option:
   * explain() finds its target and head here (Keras names, unfolded head). Default: the run graph.
   */
  sourceGraph?: Graph;
}

/** Options of one predict/run/predictImage call. */
export interface RunOptions {
  /**
   * Let NaN and ±Infinity in the inputs through (default: the model's load option, else false,
   * which refuses them with a NonFiniteError naming the first one). The kernels then propagate
   * them as IEEE arithmetic does: NaN wherever the math reaches, never a laundered finite number.
   */
  allowNonFinite?: boolean;
  /**
   * run/predict: called after each chunk of a batch too big for one run (see
   * runtime/batch-chunks.ts), and once at the end of any run, with the samples done so far.
   */
  onProgress?: (progress: BatchProgress) => void;
  /**
   * run/predict/predictImage: aborting ends the call with AbortError at the next point where it can
   * stop cleanly: before each chunk of a batch, and when its turn in the model's queue comes (calls
   * on one model run one after another), before anything of it is submitted to the GPU.
   */
  signal?: AbortSignal;
}

/** The sizes that bound one activation and one run, for batch chunking and volume tiles. */
export interface MemoryLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export abstract class ModelBase {
  /** The model's metadata.json (labels, input recipe), when one was found beside it or given. */
  readonly metadata?: ModelMetadata;
  /** Whether calls let non-finite inputs through unless they say otherwise (load option). */
  protected readonly allowNonFinite: boolean;
  /** The engine's limits for this model: the defaults with the load option's on top (src/limits.ts). */
  readonly limits: EngineLimits;
  /**
   * How predictImage turns images into this model's input when given no options: the resolved
   * values, where each came from ('option' | 'metadata' | 'graph' | 'default'), the metadata's labels,
   * and `usedDefault` / `reason` when nothing said how the model was trained (runtime/preprocess-resolve.ts).
   */
  readonly preprocessing: ModelPreprocessing;
  /** Why the model runs where it does (backendReason); a model that moves after a device loss updates it. */
  protected reason: string;
  /** The graph before passes (ModelDescription.sourceGraph), for explain(). */
  protected readonly sourceGraph: Graph;
  /** Grad-CAM's compiled forward variants, made on the first explain() (src/explain/explainer.ts). */
  protected explainer?: Explainer;
  /** 'webgpu' or 'wasm' (ONNX Runtime Web). */
  abstract readonly backend: BackendName;
  /** Human-readable name of what runs the model (a GPU adapter, or WebAssembly). */
  abstract readonly adapterName: string;
  /** What bounds one activation: the device's buffers, or WebAssembly's memory. */
  abstract readonly memoryLimits: MemoryLimits;

  constructor(
    /** The graph the backend runs (after passes). */
    readonly graph: Graph,
    description: ModelDescription,
    defaultReason: string,
  ) {
    this.metadata = description.metadata;
    this.allowNonFinite = description.allowNonFinite ?? false;
    this.limits = resolveLimits(description.limits);
    this.reason = description.backendReason ?? defaultReason;
    this.sourceGraph = description.sourceGraph ?? graph;
    this.preprocessing =
      description.preprocessing ??
      resolvePreprocessing({ declared: graph.inputs.length === 1 ? graph.inputs[0].shape : undefined, inputLayer: inputScalingLayer(graph) });
  }

  /** Why the model runs where it does, e.g. "software adapter (SwiftShader): WebAssembly is faster". */
  get backendReason(): string {
    return this.reason;
  }

  get info(): ModelInfo {
    const g = this.graph;
    return {
      name: g.meta.name,
      format: g.meta.format,
      kerasVersion: g.meta.kerasVersion,
      inputs: g.inputs.map((i) => ({ name: i.name, shape: [...i.shape] })),
      outputs: [...g.outputs],
      layers: g.nodes.map((n) => ({ name: n.name, kerasClass: n.kerasClass, op: n.op })),
    };
  }

  /** Runs the model on one tensor per input; returns one tensor per output, in Keras' order. */
  abstract run(inputs: readonly Tensor[], options?: RunOptions): Promise<Tensor[]>;

  /** Classifies images: resized and normalised into the model's input, then run (see Model.predictImage). */
  abstract predictImage(image: ImageInput | readonly ImageInput[], options?: PreprocessOptions & RunOptions): Promise<Tensor>;

  /** The input tensor predictImage would feed the model for these images and options (`[N, H, W, C]`). */
  abstract preprocess(image: ImageInput | readonly ImageInput[], options?: PreprocessOptions): Promise<Tensor>;

  /** Makes ready what the first run on these input shapes needs, so that run is fast. */
  abstract prepare(inputShapes: readonly (readonly number[])[]): Promise<unknown>;

  /** Frees what the model holds. */
  abstract dispose(): Promise<void>;

  /**
   * A model of the same backend (same device, limits and options) for another graph: explain()'s
   * forward variant. Its owner disposes it.
   */
  protected abstract explainRunner(graph: Graph): ExplainRunner;

  /**
   * Grad-CAM heatmaps for a batch (one input, one output models): per item, where the evidence for
   * the class lies in the target layer's feature map. Target: `options.layer`'s output, else the input
   * of the first Flatten or global pooling layer after the last spatial layer; class: `classIndex`,
   * else the predicted one; score: the class's pre-activation output (one sigmoid unit: the logit for
   * class 1, its negative for class 0); map: ReLU(Σ_c mean(d score / d A_c) · A_c) / max, at the
   * target's resolution ([N, h, w]). One forward pass on this backend (a second compiled variant of
   * the graph, made on first use) and the head's backward on the CPU. A head holding a layer without
   * a backward pass here is refused with UnsupportedLayerError naming it.
   */
  async explain(input: Tensor, options: ExplainOptions = {}): Promise<Explanation> {
    // The model's own inputs and outputs: extraOutputs (debugging) do not count.
    const { inputs, outputs } = this.sourceGraph;
    if (inputs.length !== 1 || outputs.length !== 1) {
      throw new ShapeError(`explain() is for models with one input and one output; this one has ${inputs.length} and ${outputs.length}`);
    }
    this.checkRunInputs([input], options);
    this.explainer ??= new Explainer(this.sourceGraph, (g) => this.explainRunner(g));
    return this.explainer.explain(input, options);
  }

  /** Runs a single-input, single-output model. The input's first dimension is the batch. */
  async predict(input: Tensor, options: RunOptions = {}): Promise<Tensor> {
    this.requireSingleIO('predict()', ': use run()');
    const [out] = await this.run([input], options);
    return out;
  }

  /**
   * `preprocessing` with these options on top: what predictImage(image, options) uses, and where
   * each value came from.
   */
  resolvePreprocessing(options: PreprocessOptions = {}): ModelPreprocessing {
    return withOverrides(this.preprocessing, options);
  }

  /**
   * Medical images (loadImage's MedicalImage) as predictImage takes them: each windowed by the
   * options' `window`/`range`, else the model's metadata, else the file's own window (its stored range or min-max when it
   * has none), as pixels on `range` (0..255 by default) for the usual resize and scale. For a 3-D
   * model (input [N, D, H, W, C]) one volume becomes the whole input tensor, scaled as the recipe says.
   * Other images pass through untouched.
   */
  protected fromMedical(image: ImageInput | readonly ImageInput[], options: PreprocessOptions): { images: ImageInput | readonly ImageInput[] } | { volume: Tensor } {
    const list = Array.isArray(image) ? (image as readonly ImageInput[]) : [image as ImageInput];
    if (!list.some(isMedicalImage)) return { images: image };
    const p = this.resolvePreprocessing(options);
    const { window, range, orientation } = p.intensity;
    if (this.graph.inputs[0]?.shape.length === 5) {
      if (list.length !== 1 || !isMedicalImage(list[0])) throw new ShapeError('a 3-D model takes one volume (a MedicalImage from loadImage) per call');
      const volume = toVolumeTensor(list[0], { window, range, orientation });
      checkLimit(this.limits, 'maxTensorElements', volume.data.length, `the volume ${shapeToString(volume.shape)}`, 'elements');
      return { volume: normaliseVolume(volume, p.options) };
    }
    return { images: list.map((im) => (isMedicalImage(im) ? toModelImage(im, { window, range }) : im)) };
  }

  /** predict() and predictImage() need one input and one output. */
  protected requireSingleIO(what: string, hint = ''): void {
    if (this.graph.inputs.length !== 1 || this.graph.outputs.length !== 1) {
      throw new ShapeError(
        `${what} is for models with one input and one output; this one has ${this.graph.inputs.length} and ${this.graph.outputs.length}${hint}`,
      );
    }
  }

  /** Tensors that are tensors, fill their shapes, and (unless allowed) hold only finite values. */
  protected checkRunInputs(inputs: readonly Tensor[], options: RunOptions): void {
    inputs.forEach((t, i) => {
      if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) {
        throw new ShapeError(`Input ${i} must be a tensor { data: Float32Array, shape: number[] }`);
      }
      if (t.data.length !== sizeOf(t.shape)) {
        throw new ShapeError(`Input ${i}: ${t.data.length} values do not fill shape ${shapeToString(t.shape)}`);
      }
    });
    if (!(options.allowNonFinite ?? this.allowNonFinite)) inputs.forEach((t, i) => checkInputFinite(i, t.data, t.shape));
  }

  /** Image sizes and the preprocessed batch, checked against the limits before anything of them is allocated. */
  protected checkImageSources(sources: readonly ImageSource[], spec: PreprocessSpec): void {
    sources.forEach((s, i) => checkImageSize(s.width, s.height, `image ${i}`, this.limits));
    const input = [sources.length, spec.height, spec.width, spec.channels];
    checkLimit(this.limits, 'maxTensorElements', sizeOf(input), `the preprocessed input ${shapeToString(input)}`, 'elements');
  }
}
