/**
 * A loaded model: the optimised graph, the GPU it runs on, and one compiled plan per input shape
 * (made on first use of that shape, or ahead of time with `prepare`).
 */
import { DeviceLostError, GPUExecutionError, ShapeError } from './errors.ts';
import { lostDeviceError, type GpuContext } from './gpu/device.ts';
import type { BackendName } from './gpu/backend-choice.ts';
import type { Graph } from './graph/ir.ts';
import { chunkSize, defaultChunkBytes, runInChunks } from './runtime/batch-chunks.ts';
import { ModelBase, type MemoryLimits, type ModelDescription, type RunOptions } from './runtime/model-base.ts';
import { ExecutionPlan } from './runtime/execution-plan.ts';
import type { PlanProfile, ProfileOptions } from './runtime/profile.ts';
import { Preprocessor } from './runtime/preprocess.ts';
import type { ImageInput, PreprocessOptions } from './runtime/preprocess-options.ts';
import { checkPreprocessFinite } from './runtime/preprocess-finite.ts';
import { resolvePreprocess, type PreprocessSpec } from './runtime/preprocess-spec.ts';
import type { ImageSource } from './runtime/preprocess-source.ts';
import { autotune, type AutotuneOptions, type TuneReport } from './scheduler/autotune.ts';
import { checkedShapes, planLayout, type LayoutLimits } from './scheduler/layout.ts';
import { shapeToString, sizeOf, type Tensor } from './tensor.ts';
import type { Explanation } from './explain/grad-cam.ts';
import type { ExplainOptions, ExplainRunner } from './explain/explainer.ts';

export type { ModelInfo, ModelDescription, RunOptions, MemoryLimits } from './runtime/model-base.ts';

export class Model extends ModelBase {
  /**
   * The WebAssembly model this one moved to when its device was lost and no new one could be had
   * (loads with backend 'auto' only); every call goes to it from then on.
   */
  private cpu?: ModelBase;
  private readonly deviceLossFallback?: () => Promise<ModelBase>;
  private readonly plans = new Map<string, Promise<ExecutionPlan>>();
  private disposed = false;
  private preprocessor?: Preprocessor;
  private readonly tuneReports = new Map<string, TuneReport>();
  /** Plans whose background tuning has not started yet (it starts after their first run). */
  private readonly untuned = new Map<string, number[][]>();
  /** Background tuning in flight or done, per plan key. */
  private readonly tuning$ = new Map<string, Promise<TuneReport | undefined>>();
  /** The device the model runs on; replaced when it was lost and the model owns it (see liveDevice). */
  private current: GpuContext;
  /** A lost device being replaced: shared by every call that waits for the new one. */
  private renewing?: Promise<void>;
  constructor(
    /** The graph the GPU runs (after passes). */
    graph: Graph,
    gpu: GpuContext,
    private readonly ownsDevice: boolean,
    /** How kernels are chosen per node when a plan is made (see scheduler/autotune.ts). */
    private readonly tuning: AutotuneOptions = {},
    description: ModelDescription = {},
  ) {
    super(graph, description, 'WebGPU');
    this.current = gpu;
    this.deviceLossFallback = description.deviceLossFallback;
  }

  /** 'webgpu', or 'wasm' once the model moved to WebAssembly after losing its device. */
  get backend(): BackendName {
    return this.cpu ? 'wasm' : 'webgpu';
  }

  /** The GPU the model runs on now (a new one after its own device was lost). */
  get gpu(): GpuContext {
    return this.current;
  }

  /** Human-readable name of the GPU adapter in use. */
  get adapterName(): string {
    return this.cpu?.adapterName ?? this.gpu.adapterName;
  }

  /** The device's buffer sizes (batch chunks and volume tiles are cut to fit them). */
  get memoryLimits(): MemoryLimits {
    return this.cpu?.memoryLimits ?? this.gpu.device.limits;
  }

  /**
   * Compiles (or returns the cached) plan for these input shapes. With autotuning in the background
   * (the default) the plan uses remembered choices and the ops' rules; measuring starts after its
   * first run and may replace it (whenTuned).
   */
  prepare(inputShapes: readonly (readonly number[])[]): Promise<ExecutionPlan> {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    if (this.cpu) return Promise.reject(onWasm());
    if (this.renewing || this.current.lostReason() !== undefined) return this.liveDevice().then(() => this.prepare(inputShapes));
    const key = keyOf(inputShapes);
    let plan = this.plans.get(key);
    if (!plan) {
      const gpu = this.current;
      const limits = this.layoutLimits(gpu);
      const background = (this.tuning.mode ?? 'on') === 'on' && (this.tuning.when ?? 'background') === 'background';
      plan = Promise.resolve().then(async () => {
        try {
          checkedShapes(this.graph, inputShapes, limits); // before autotuning allocates anything of those sizes
          const tuned = await autotune(gpu, this.graph, inputShapes, background ? { ...this.tuning, mode: 'cached' } : this.tuning);
          this.tuneReports.set(key, tuned.report);
          const made = await ExecutionPlan.create(gpu, planLayout(tuned.graph, inputShapes, limits));
          if (background && tuned.report.decisions.some((d) => d.source === 'default')) this.untuned.set(key, inputShapes.map((s) => [...s]));
          return made;
        } catch (err) {
          throw (await lostDeviceError(gpu, err)) ?? err;
        }
      });
      this.plans.set(key, plan);
      // Forget a failed plan, unless a lost device's replacement already cleared the cache and refilled it.
      const pending = plan;
      pending.catch(() => this.plans.get(key) === pending && this.plans.delete(key));
    }
    return plan;
  }

  /**
   * Resolves when background autotuning of the plan for these shapes has finished (starting it now
   * if it was waiting for a first run), with what it decided; at once when there is nothing to tune.
   * Runs started after it resolves use the tuned plan.
   */
  whenTuned(inputShapes: readonly (readonly number[])[]): Promise<TuneReport | undefined> {
    const key = keyOf(inputShapes);
    this.startTuning(key);
    return this.tuning$.get(key) ?? Promise.resolve(this.tuneReports.get(key));
  }

  /** Measures the untuned nodes of a plan once and swaps in a new plan if any choice changed. */
  private startTuning(key: string): void {
    const shapes = this.untuned.get(key);
    if (!shapes || this.disposed) return;
    this.untuned.delete(key);
    const gpu = this.current;
    // Tuning that outlives its device (lost and replaced meanwhile) must not install its plan.
    const stale = () => this.disposed || this.current !== gpu;
    const done = (async () => {
      const before = this.tuneReports.get(key);
      const tuned = await autotune(gpu, this.graph, shapes, { ...this.tuning, mode: 'on' });
      if (stale()) return tuned.report;
      this.tuneReports.set(key, tuned.report);
      const chosen = (r?: TuneReport) => r?.decisions.map((d) => `${d.node}:${d.chosen}`).sort().join(',');
      if (chosen(tuned.report) !== chosen(before)) {
        const next = await ExecutionPlan.create(gpu, planLayout(tuned.graph, shapes, this.layoutLimits(gpu)));
        if (stale()) {
          next.dispose();
          return tuned.report;
        }
        const old = await this.plans.get(key);
        this.plans.set(key, Promise.resolve(next));
        old?.retire();
      }
      return tuned.report;
    })().catch(() => this.tuneReports.get(key)); // a failed measurement keeps the working plan
    this.tuning$.set(key, done);
  }

  /**
   * What autotuning decided for the plan of these input shapes (made by prepare or the first run):
   * per tunable node, the candidates' measured times and the choice, or where it came from.
   */
  tuningReport(inputShapes: readonly (readonly number[])[]): TuneReport | undefined {
    return this.tuneReports.get(keyOf(inputShapes));
  }

  /**
   * Classifies images, resizes and normalises them on the GPU into the model's input and runs the
   * model, in one command buffer: the batch is the number of images (any sizes, mixed kinds allowed).
   * Options given override the model's own `preprocessing`: its metadata.json, else what its graph
   * implies (an input Rescaling/Normalization layer takes raw 0–255 pixels; the declared input size),
   * else scale 1/255, offset 0, mean 0, std 1, bilinear resize as tf.image.resize (Keras'
   * image_dataset_from_directory), not PIL's.
   * Browser images are copied by the browser: make ImageBitmaps with `colorSpaceConversion: 'none'`
   * and `premultiplyAlpha: 'none'` (see decodeImageBitmap) to get the file's own pixel values.
   */
  async predictImage(image: ImageInput | readonly ImageInput[], options: PreprocessOptions & RunOptions = {}): Promise<Tensor> {
    this.requireSingleIO('predictImage()');
    const medical = this.fromMedical(image, options);
    if ('volume' in medical) return this.predict(medical.volume, options);
    image = medical.images;
    await this.liveDevice();
    if (this.cpu) return this.cpu.predictImage(image, options);
    const { pre, sources, spec } = this.imageRequest(image, options);
    if (!(options.allowNonFinite ?? this.allowNonFinite)) checkPreprocessFinite(spec, sources);
    await pre.ready();
    const plan = await this.prepare([[sources.length, spec.height, spec.width, spec.channels]]);
    const [out] = await plan.runEncoded((encoder, [input]) => pre.encode(encoder, input, sources, spec), options.signal);
    this.startTuning(keyOf([[sources.length, spec.height, spec.width, spec.channels]]));
    return out;
  }

  /**
   * The input tensor predictImage would feed the model for these images and options, read back from
   * the GPU (`[N, H, W, C]`): for tests and debugging.
   */
  async preprocess(image: ImageInput | readonly ImageInput[], options: PreprocessOptions = {}): Promise<Tensor> {
    const medical = this.fromMedical(image, options);
    if ('volume' in medical) return medical.volume;
    image = medical.images;
    await this.liveDevice();
    if (this.cpu) return this.cpu.preprocess(image, options);
    const { pre, sources, spec } = this.imageRequest(image, options);
    return pre.run(sources, spec);
  }

  private imageRequest(image: ImageInput | readonly ImageInput[], options: PreprocessOptions): { pre: Preprocessor; sources: ImageSource[]; spec: PreprocessSpec } {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    this.preprocessor ??= new Preprocessor(this.gpu);
    const spec = resolvePreprocess(this.resolvePreprocessing(options).options, this.graph.inputs[0]?.shape);
    const sources = this.preprocessor.sources(image);
    // Sizes are checked before the GPU holds anything of them (src/limits.ts).
    this.checkImageSources(sources, spec);
    return { pre: this.preprocessor, sources, spec };
  }

  /** Runs the model on one tensor per input; returns one tensor per output, in Keras' order. */
  async run(inputs: readonly Tensor[], options: RunOptions = {}): Promise<Tensor[]> {
    this.checkRunInputs(inputs, options);
    if (this.cpu || this.renewing || this.current.lostReason() !== undefined) {
      await this.liveDevice();
      if (this.cpu) return this.cpu.run(inputs, options);
    }
    // A batch too big for one run runs in chunks of one plan (runtime/batch-chunks.ts).
    const planned = this.runShapes(inputs.map((t) => t.shape));
    const outputs = await runInChunks(inputs, planned[0]?.[0] ?? 0, async (part) => (await this.prepare(planned)).run(part, options.signal), options);
    this.startTuning(keyOf(planned));
    return outputs;
  }

  /**
   * The input shapes run() plans for, given these: the same, or with the batch cut to the chunk
   * size when the batch's activations exceed limits.batchChunkBytes or the device's buffers.
   */
  runShapes(inputShapes: readonly (readonly number[])[]): number[][] {
    const limits = this.layoutLimits(this.gpu);
    const chunk = chunkSize(this.graph, inputShapes, limits, this.limits.batchChunkBytes ?? defaultChunkBytes(limits));
    return inputShapes.map((s) => (chunk > 0 && chunk < s[0] ? [chunk, ...s.slice(1)] : [...s]));
  }

  /**
   * Grad-CAM heatmaps (see ModelBase.explain). Its forward variant is a second Model on this one's
   * device; after the device was replaced, the variants are made again on the new one.
   */
  override async explain(input: Tensor, options: ExplainOptions = {}): Promise<Explanation> {
    await this.liveDevice();
    if (this.cpu) return this.cpu.explain(input, options);
    if (this.explainer && this.explainerGpu !== this.current) {
      const stale = this.explainer;
      this.explainer = undefined;
      await stale.dispose().catch(() => undefined);
    }
    this.explainerGpu = this.current;
    return super.explain(input, options);
  }

  /** The device explain()'s variants were made on. */
  private explainerGpu?: GpuContext;

  protected explainRunner(graph: Graph): ExplainRunner {
    return new Model(graph, this.current, false, this.tuning, {
      metadata: this.metadata,
      allowNonFinite: this.allowNonFinite,
      limits: this.limits,
      backendReason: this.reason,
    });
  }

  /** The device's buffer limits with the engine's own, for planning. */
  private layoutLimits(gpu: GpuContext): LayoutLimits {
    const { maxStorageBufferBindingSize, maxBufferSize } = gpu.device.limits;
    return { maxStorageBufferBindingSize, maxBufferSize, maxTensorElements: this.limits.maxTensorElements };
  }

  /**
   * Profiles the model on these inputs (a tensor, or one per input): per-step GPU times from
   * timestamp queries, aggregated with `aggregateByLayer` / `toChromeTrace` (runtime/profile-report.ts).
   * Opt-in: run() and predict() never pay for it.
   */
  async profile(input: Tensor | readonly Tensor[], options: ProfileOptions = {}): Promise<PlanProfile> {
    const inputs = Array.isArray(input) ? (input as readonly Tensor[]) : [input as Tensor];
    inputs.forEach((t, i) => {
      if (t.data.length !== sizeOf(t.shape)) {
        throw new ShapeError(`Input ${i}: ${t.data.length} values do not fill shape ${shapeToString(t.shape)}`);
      }
    });
    const shapes = inputs.map((t) => t.shape);
    if (this.cpu) throw onWasm();
    // Profile the kernels that will run: finish background autotuning first (it may replace the plan).
    await this.prepare(shapes);
    await this.whenTuned(shapes);
    const plan = await this.prepare(shapes);
    return { ...(await plan.profile(inputs, options)), tuning: this.tuningReport(shapes) };
  }

  /** Frees every GPU buffer; destroys the device if the model created it. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Background tuning uses the device: let it stop (it checks `disposed`) before destroying it.
    await Promise.allSettled(this.tuning$.values());
    const plans = await Promise.allSettled(this.plans.values());
    for (const p of plans) if (p.status === 'fulfilled') p.value.dispose();
    this.plans.clear();
    this.preprocessor?.dispose();
    await this.explainer?.dispose();
    await this.cpu?.dispose();
    if (this.ownsDevice) this.current.device.destroy();
  }

  /**
   * Makes sure the model has a working device before a call uses it. After a device loss, a model
   * that requested its own device drops everything made on the lost one (plans, preprocessing
   * objects, tuning state), requests a new device the same way, and rebuilds plans from the graph
   * as calls need them; calls arriving meanwhile wait for that one new device. A model on a
   * caller's device cannot replace it: DeviceLostError says so, on every call.
   */
  private async liveDevice(): Promise<void> {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    if (this.cpu) return;
    const reason = this.current.lostReason();
    if (reason !== undefined && !this.renewing) {
      const renew = this.current.renew;
      if (!renew) throw new DeviceLostError(reason, false);
      this.renewing = this.replaceDevice(renew).finally(() => (this.renewing = undefined));
    }
    await this.renewing;
  }

  private async replaceDevice(renew: () => Promise<GpuContext>): Promise<void> {
    const plans = [...this.plans.values()];
    this.plans.clear();
    this.tuneReports.clear();
    this.untuned.clear();
    this.tuning$.clear();
    this.preprocessor?.dispose();
    this.preprocessor = undefined;
    for (const p of await Promise.allSettled(plans)) if (p.status === 'fulfilled') p.value.dispose();
    let next: GpuContext;
    try {
      next = await renew();
    } catch (err) {
      if (!this.deviceLossFallback) throw err;
      // No GPU any more (the adapter went away, the browser blocklisted it): WebAssembly, if it loads.
      const cpu = await this.deviceLossFallback().catch(() => Promise.reject(err));
      if (this.disposed) {
        await cpu.dispose();
        throw new GPUExecutionError('the model was disposed');
      }
      this.cpu = cpu;
      this.reason = `the GPU device was lost and no new one could be had (${(err as Error)?.message ?? err}): WebAssembly`;
      return;
    }
    if (this.disposed) {
      next.device.destroy();
      throw new GPUExecutionError('the model was disposed');
    }
    this.current = next;
  }
}

/** What GPU-only calls say once the model runs on WebAssembly. */
function onWasm(): GPUExecutionError {
  return new GPUExecutionError('the model moved to WebAssembly when its GPU device was lost: it has no GPU plan or GPU profile');
}

/** The plan cache's key for a list of input shapes. */
function keyOf(inputShapes: readonly (readonly number[])[]): string {
  return inputShapes.map((s) => s.join('x')).join(',');
}
