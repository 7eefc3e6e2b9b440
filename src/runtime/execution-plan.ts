/**
 * An immutable, compiled plan for one model at one input shape. `run()` writes the inputs, encodes
 * every step into one compute pass of one command buffer, submits once and reads the outputs back;
 * it creates no GPU objects. Runs on the same plan are queued, never interleaved.
 */
import { AbortError, DeviceLostError, GPUExecutionError, GPUMemoryError, ShapeError } from '../errors.ts';
import { lostDeviceError, type GpuContext } from '../gpu/device.ts';
import { MAP_MODE } from '../gpu/usage.ts';
import { buildGpuPlan, destroyGpuPlan, type GpuPlan } from '../scheduler/build.ts';
import type { PlanLayout } from '../scheduler/layout.ts';
import { profilePlan, type PlanProfile, type ProfileOptions } from './profile.ts';
import { shapeToString, type Tensor } from '../tensor.ts';

const MAP_MODE_READ = MAP_MODE.READ;

/**
 * Records commands that fill the plan's input buffers on the GPU (e.g. image preprocessing), into the
 * run's own command encoder, before the model's pass. Called when the run's turn in the plan's queue
 * comes, so queue writes it makes (writeBuffer, copyExternalImageToTexture) follow the previous run's
 * submit and cannot overwrite data that run still reads.
 */
export type RunPrelude = (encoder: GPUCommandEncoder, inputBuffers: readonly GPUBuffer[]) => void;

export class ExecutionPlan {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  /** The graph inputs' activation buffers, in input order (what a prelude writes). */
  private readonly inputBuffers: readonly GPUBuffer[];

  private constructor(
    private readonly gpu: GpuContext,
    readonly layout: PlanLayout,
    private readonly gpuPlan: GpuPlan,
  ) {
    this.inputBuffers = layout.inputNames.map((name) => gpuPlan.slots[layout.slotOf.get(name)!]);
  }

  static async create(gpu: GpuContext, layout: PlanLayout): Promise<ExecutionPlan> {
    return new ExecutionPlan(gpu, layout, await buildGpuPlan(gpu, layout));
  }

  /** Activation bytes the plan allocates (buffers reused by liveness). */
  get peakActivationBytes(): number {
    return this.layout.peakBytes;
  }

  /** Bytes of weights (constants) on the GPU. */
  get constantBytes(): number {
    return this.gpuPlan.constantBytes;
  }

  /** Floating-point operations of one run (sum of the steps' estimates), for GFLOP/s. */
  get flops(): number {
    return this.gpuPlan.steps.reduce((a, s) => a + s.flops, 0);
  }

  get stepCount(): number {
    return this.gpuPlan.steps.length;
  }

  /**
   * Runs the plan on inputs of exactly the planned shapes. A `signal` aborted before the run's turn
   * in the queue comes ends it then, with AbortError, before anything is written or submitted.
   */
  run(inputs: readonly Tensor[], signal?: AbortSignal): Promise<Tensor[]> {
    return this.enqueue(() => this.runNow(inputs), signal);
  }

  /**
   * Runs the plan on inputs that `prelude` produces on the GPU instead of tensors from the CPU: its
   * commands and the model's go into one command buffer and one submit. `signal` as for run().
   */
  runEncoded(prelude: RunPrelude, signal?: AbortSignal): Promise<Tensor[]> {
    return this.enqueue(() => this.runNow(undefined, prelude), signal);
  }

  /** Queues a run after the ones before it: calls that overlap wait their turn rather than share buffers. */
  private enqueue(run: () => Promise<Tensor[]>, signal?: AbortSignal): Promise<Tensor[]> {
    const result = this.queue.then(() => {
      if (signal?.aborted) throw new AbortError('the run was aborted before it was submitted', { cause: signal.reason });
      return run();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Profiles the plan on these inputs: per-step GPU times from timestamp queries (see profile.ts),
   * or whole-run wall time where the adapter has none. Queued like run(); run() itself is untouched.
   */
  profile(inputs: readonly Tensor[], options: ProfileOptions = {}): Promise<PlanProfile> {
    const result = this.queue.then(() => {
      if (this.disposed) throw new GPUExecutionError('the model was disposed');
      // The warm-up and fallback runs are plain runs, made directly (the queue is already ours).
      return profilePlan(this.gpu, this.layout, this.gpuPlan, inputs, () => this.runNow(inputs), options);
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(inputs: readonly Tensor[] | undefined, prelude?: RunPrelude): Promise<Tensor[]> {
    if (this.disposed) throw new GPUExecutionError('the model was disposed');
    const lostBefore = this.gpu.lostReason();
    if (lostBefore !== undefined) throw new DeviceLostError(lostBefore, !!this.gpu.renew);
    const { device } = this.gpu;
    const { layout, gpuPlan } = this;
    if (inputs && inputs.length !== layout.inputNames.length) {
      throw new ShapeError(`The model takes ${layout.inputNames.length} input(s), got ${inputs.length}`);
    }
    inputs?.forEach((t, i) => {
      const planned = layout.inputShapes[i];
      if (t.shape.length !== planned.length || t.shape.some((d, k) => d !== planned[k])) {
        throw new ShapeError(`internal: input ${i} has shape ${shapeToString(t.shape)}, plan is for ${shapeToString(planned)}`);
      }
      const slot = gpuPlan.slots[layout.slotOf.get(layout.inputNames[i])!];
      device.queue.writeBuffer(slot, 0, t.data.buffer, t.data.byteOffset, t.data.byteLength);
    });

    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    const encoder = device.createCommandEncoder({ label: 'run' });
    if (prelude) {
      try {
        prelude(encoder, this.inputBuffers);
      } catch (err) {
        await device.popErrorScope();
        await device.popErrorScope();
        throw err;
      }
    }
    const pass = encoder.beginComputePass({ label: 'model' });
    for (const step of gpuPlan.steps) {
      pass.setPipeline(step.pipeline);
      pass.setBindGroup(0, step.bindGroup);
      pass.dispatchWorkgroups(step.dispatch[0], step.dispatch[1], step.dispatch[2]);
    }
    pass.end();
    layout.outputNames.forEach((name, i) => {
      const slot = gpuPlan.slots[layout.slotOf.get(name)!];
      encoder.copyBufferToBuffer(slot, 0, gpuPlan.readback[i], 0, gpuPlan.readback[i].size);
    });
    device.queue.submit([encoder.finish()]);
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom) throw new GPUMemoryError(`out of GPU memory while running: ${oom.message}`);
    if (validation) throw new GPUExecutionError(`running the model failed: ${validation.message}`);

    // The read-back, or the device's loss if that comes first (through a listener this run removes).
    let unwatch = (): void => undefined;
    const lost = new Promise<never>((_, reject) => {
      unwatch = this.gpu.whenLost((reason) => reject(new DeviceLostError(reason, !!this.gpu.renew)));
    });
    try {
      await Promise.race([Promise.all(gpuPlan.readback.map((b) => b.mapAsync(MAP_MODE_READ))), lost]);
    } catch (err) {
      // mapAsync rejects with a bare DOMException when its buffer is destroyed under it.
      if (this.disposed) throw new GPUExecutionError('the model was disposed while this run was in flight', undefined, { cause: err });
      throw (await lostDeviceError(this.gpu, err)) ?? err;
    } finally {
      unwatch();
    }
    return layout.outputNames.map((name, i) => {
      const shape = layout.shapes.get(name)!;
      const count = shape.reduce((a, b) => a * b, 1);
      const buffer = gpuPlan.readback[i];
      const mapped = buffer.getMappedRange();
      if (mapped.byteLength < count * 4) {
        // Chromium hands back an empty range when it cannot find the memory to map a huge buffer.
        buffer.unmap();
        const layer = layout.steps.find((s) => s.node.output === name)?.node.name;
        throw new GPUMemoryError(
          `reading back the output ${shapeToString(shape)} (${count * 4} bytes) failed: only ${mapped.byteLength} bytes could be mapped; try a smaller input or batch`,
          layer,
        );
      }
      const data = new Float32Array(mapped.slice(0, count * 4));
      buffer.unmap();
      return { shape, data };
    });
  }

  /** Frees the plan's GPU memory. Further runs fail. */
  /** Disposes the plan once the runs already queued on it have finished (a plan being replaced). */
  retire(): void {
    void this.queue.then(() => this.dispose());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    destroyGpuPlan(this.gpuPlan);
  }
}
