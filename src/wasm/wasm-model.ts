/**
 * A model on the WebAssembly backend: the same graph the GPU would run (after the same passes,
 * logits and extraOutputs honoured), exported as ONNX (src/onnx) and run by ONNX Runtime Web's
 * WASM execution provider. Its public surface is the WebGPU Model's (src/runtime/model-base.ts
 * holds what they share: input checks, output naming, preprocessing resolution, limits); images
 * are preprocessed on the CPU with the GPU kernel's recipe (src/runtime/preprocess-cpu.ts).
 *
 * Tensors cross in the engine's layout (NHWC / NDHWC, batch first): the exporter writes the ONNX
 * graph's inputs and outputs that way, so nothing is transposed here.
 */
import { AbortError, GPUExecutionError, MissingPackageError, ShapeError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import { exportOnnx } from '../onnx/index.ts';
import { chunkSize, defaultChunkBytes, runInChunks } from '../runtime/batch-chunks.ts';
import { ModelBase, type MemoryLimits, type ModelDescription, type RunOptions } from '../runtime/model-base.ts';
import { cpuImageSources, preprocessOnCpu } from '../runtime/preprocess-cpu.ts';
import { checkPreprocessFinite } from '../runtime/preprocess-finite.ts';
import type { ImageInput, PreprocessOptions } from '../runtime/preprocess-options.ts';
import { resolvePreprocess, type PreprocessSpec } from '../runtime/preprocess-spec.ts';
import { checkedShapes } from '../scheduler/layout.ts';
import type { Tensor } from '../tensor.ts';
import type { ExplainRunner } from '../explain/explainer.ts';
import { loadOrt, type OrtModule, type OrtSession, type WasmOptions } from './ort.ts';

/**
 * One activation at most 1 GiB: WebAssembly (wasm32) addresses 4 GiB in all, which ONNX Runtime
 * shares between the weights and the activations alive at once. Batch chunks and volume tiles are
 * cut to this (runtime/batch-chunks.ts, runtime/tiled-volume.ts).
 */
export const WASM_MEMORY_LIMITS: MemoryLimits = { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 };
/** No single tensor can exceed the whole of WebAssembly's memory. */
const WASM_ADDRESS_SPACE = 2 ** 32 - 1;

/**
 * ORT's "no available backend" (its WebAssembly files could not be fetched or started) as a typed
 * error that says which files, where they were looked for and how to serve them; other errors as they are.
 */
function wasmStartError(err: unknown, options: WasmOptions): unknown {
  const message = String((err as Error)?.message ?? err);
  if (!/no available backend/i.test(message)) return err;
  const where = options.wasmPaths === undefined ? "beside ONNX Runtime's module" : `at wasmPaths ${JSON.stringify(options.wasmPaths)}`;
  return new MissingPackageError(
    `ONNX Runtime Web could not start its WebAssembly (ort-wasm-simd-threaded.wasm and .mjs, looked for ${where}): ${message}. ` +
      "Serve them from your origin: with Vite, optimizeDeps: { exclude: ['onnxruntime-web'] }; without a bundler, copy them " +
      'from node_modules/onnxruntime-web/dist beside ort.wasm.bundle.min.mjs, or set the wasm.wasmPaths option.',
    { cause: err },
  );
}

interface Ready {
  ort: OrtModule;
  session: OrtSession;
  inputNames: string[];
  outputNames: string[];
}

/** Sessions kept per model (see WasmModel.sessions). */
const MAX_SESSIONS = 3;

export class WasmModel extends ModelBase {
  readonly backend = 'wasm' as const;
  readonly adapterName = 'WebAssembly (ONNX Runtime Web)';
  readonly memoryLimits = WASM_MEMORY_LIMITS;
  /**
   * ONNX Runtime sessions by input shape, batch included, most recently used last. The export fixes
   * the batch: ORT plans a static graph better (malaria CNN at batch 8: 5.0 ms against 7.2-7.6 ms
   * with a symbolic batch, same machine, interleaved runs), which is what keeps us within reach of
   * ORT's own WASM numbers. Usually one or two (a batch and its last chunk); more for a fully
   * convolutional model run on other sizes than it declares (MeshNet declares 256³ and runs on crops
   * and tiles), as the WebGPU model plans one per shape. At most MAX_SESSIONS are kept: each holds
   * its own copy of the weights in WebAssembly memory.
   */
  private readonly sessions = new Map<string, Promise<Ready>>();
  /** Batch chunk per input shape that passed checkShapes (see chunkFor). */
  private readonly chunks = new Map<string, number>();
  /** Calls run one after another: an ORT session runs one inference at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    graph: Graph,
    description: ModelDescription,
    private readonly wasm: WasmOptions = {},
  ) {
    super(graph, description, "chosen by backend: 'wasm'");
  }

  /** Exports the graph and creates the ONNX Runtime session for these input shapes. */
  prepare(inputShapes: readonly (readonly number[])[]): Promise<unknown> {
    this.checkShapes(inputShapes);
    return this.ready(inputShapes);
  }

  private ready(inputShapes: readonly (readonly number[])[]): Promise<Ready> {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    // Exported for the shapes given, batch included (checkShapes has checked the graph accepts them).
    const key = inputShapes.map((shape) => shape.join('x')).join(',');
    let ready = this.sessions.get(key);
    if (ready) {
      this.sessions.delete(key); // most recently used goes last
      this.sessions.set(key, ready);
    } else {
      this.evictOldest();
      const graph: Graph = { ...this.graph, inputs: this.graph.inputs.map((input, i) => ({ ...input, shape: [null, ...inputShapes[i].slice(1)] })) };
      const batch = inputShapes[0][0];
      ready = (async () => {
        const [ort, exported] = await Promise.all([loadOrt(this.wasm, this.backendReason), exportOnnx(graph, { batch })]);
        const session = await ort.InferenceSession.create(exported.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }).catch(
          (err: unknown) => Promise.reject(wasmStartError(err, this.wasm)),
        );
        return { ort, session, inputNames: exported.inputNames, outputNames: exported.outputNames };
      })();
      this.sessions.set(key, ready);
      const pending = ready;
      pending.catch(() => this.sessions.get(key) === pending && this.sessions.delete(key));
    }
    return ready;
  }

  /** Drops the least recently used session when MAX_SESSIONS are held, releasing it after the calls already queued. */
  private evictOldest(): void {
    if (this.sessions.size < MAX_SESSIONS) return;
    const [key, oldest] = this.sessions.entries().next().value as [string, Promise<Ready>];
    this.sessions.delete(key);
    this.queue = this.queue.then(() => oldest.then((r) => r.session.release(), () => undefined)).catch(() => undefined);
  }

  /** Shapes the graph accepts, and no activation beyond the limits (ShapeError / LimitError before ORT sees them). */
  private checkShapes(inputShapes: readonly (readonly number[])[]): void {
    if (inputShapes.length !== this.graph.inputs.length) {
      throw new ShapeError(`The model takes ${this.graph.inputs.length} inputs; ${inputShapes.length} were given`);
    }
    checkedShapes(this.graph, inputShapes, {
      maxStorageBufferBindingSize: WASM_ADDRESS_SPACE,
      maxBufferSize: WASM_ADDRESS_SPACE,
      maxTensorElements: this.limits.maxTensorElements,
    });
  }

  async run(inputs: readonly Tensor[], options: RunOptions = {}): Promise<Tensor[]> {
    this.checkRunInputs(inputs, options);
    const chunk = this.chunkFor(inputs.map((t) => t.shape));
    return runInChunks(inputs, chunk > 0 ? chunk : Number.MAX_SAFE_INTEGER, (part) => this.runOnce(part, options.signal), options);
  }

  /**
   * The shapes checked and the batch chunk for them, once per input shape: both infer every
   * tensor's shape over the graph, which cost about 0.1 ms a call, a sixth of the bundled malaria
   * CNN's whole run on WebAssembly. Only a shape that passed is remembered.
   */
  private chunkFor(shapes: readonly (readonly number[])[]): number {
    const key = shapes.map((shape) => shape.join('x')).join(',');
    let chunk = this.chunks.get(key);
    if (chunk === undefined) {
      this.checkShapes(shapes);
      const limits = { ...WASM_MEMORY_LIMITS, maxTensorElements: this.limits.maxTensorElements };
      chunk = chunkSize(this.graph, shapes, limits, this.limits.batchChunkBytes ?? defaultChunkBytes(limits));
      if (this.chunks.size >= 64) this.chunks.clear();
      this.chunks.set(key, chunk);
    }
    return chunk;
  }

  /** One inference, when the model's earlier calls are done. */
  private runOnce(inputs: Tensor[], signal?: AbortSignal): Promise<Tensor[]> {
    const turn = this.queue.then(async () => {
      if (signal?.aborted) throw new AbortError('the run was aborted before it started', { cause: signal.reason });
      const { ort, session, inputNames, outputNames } = await this.ready(inputs.map((t) => t.shape));
      const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
      inputs.forEach((t, i) => (feeds[inputNames[i]] = new ort.Tensor('float32', t.data, t.shape)));
      const results = await session.run(feeds);
      return outputNames.map((name): Tensor => {
        const out = results[name];
        if (!(out?.data instanceof Float32Array)) throw new GPUExecutionError(`ONNX Runtime returned no float32 output "${name}"`);
        return { shape: [...out.dims], data: out.data };
      });
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Classifies images: preprocessed on the CPU by the same recipe as the GPU path (resolved from
   * these options, the metadata and the graph), then run. The batch is the number of images.
   */
  async predictImage(image: ImageInput | readonly ImageInput[], options: PreprocessOptions & RunOptions = {}): Promise<Tensor> {
    this.requireSingleIO('predictImage()');
    const medical = this.fromMedical(image, options);
    if ('volume' in medical) return this.predict(medical.volume, options);
    const input = this.preprocessChecked(medical.images, options, options.allowNonFinite ?? this.allowNonFinite);
    // The recipe and float pixels were checked above; the tensor made from them needs no second pass.
    const [out] = await this.run([input], { ...options, allowNonFinite: true });
    return out;
  }

  /** The input tensor predictImage would feed the model for these images and options (`[N, H, W, C]`). */
  async preprocess(image: ImageInput | readonly ImageInput[], options: PreprocessOptions = {}): Promise<Tensor> {
    const medical = this.fromMedical(image, options);
    return 'volume' in medical ? medical.volume : this.preprocessChecked(medical.images, options, true);
  }

  private preprocessChecked(image: ImageInput | readonly ImageInput[], options: PreprocessOptions, allowNonFinite: boolean): Tensor {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    const spec: PreprocessSpec = resolvePreprocess(this.resolvePreprocessing(options).options, this.graph.inputs[0]?.shape);
    const sources = cpuImageSources(image);
    this.checkImageSources(sources, spec);
    if (!allowNonFinite) checkPreprocessFinite(spec, sources);
    return preprocessOnCpu(sources, spec);
  }

  /** Releases the ONNX Runtime session. */
  /** explain()'s forward variant: another ONNX export (with the target as an output) on ORT. */
  protected explainRunner(graph: Graph): ExplainRunner {
    return new WasmModel(graph, { metadata: this.metadata, allowNonFinite: this.allowNonFinite, limits: this.limits, backendReason: this.backendReason }, this.wasm);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.explainer?.dispose();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await this.queue;
    for (const s of await Promise.allSettled(sessions)) if (s.status === 'fulfilled') await s.value.session.release();
  }
}
