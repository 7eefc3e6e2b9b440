/**
 * Timestamps around compute passes, the one implementation the profiler (src/runtime/profile.ts)
 * and the autotuner (src/scheduler/autotune.ts) share: `pairs` begin/end pairs, written by passes
 * through `timestampWrites`, resolved into one buffer and read back as milliseconds.
 *
 * WebGPU caps a query set at 4096 queries, so pairs are spread over sets of 2048. Everything is
 * created by the constructor and freed by `destroy()`: a caller that times nothing makes nothing.
 */
import { createBuffer, createQuerySet, destroyGpuObject } from './memory.ts';
import { BUFFER_USAGE, MAP_MODE } from './usage.ts';

/** Begin/end pairs per query set (4096 queries, WebGPU's cap). */
const PAIRS_PER_SET = 2048;

export class PassTimestamps {
  private readonly sets: GPUQuerySet[] = [];
  private readonly resolveBuffer: GPUBuffer;
  private readonly readBuffer: GPUBuffer;
  private readonly bytes: number;

  constructor(
    device: GPUDevice,
    /** How many passes can be timed (one begin/end pair each). */
    readonly pairs: number,
    label: string,
  ) {
    for (let first = 0; first < pairs; first += PAIRS_PER_SET) {
      const count = Math.min(PAIRS_PER_SET, pairs - first);
      this.sets.push(createQuerySet(device, { type: 'timestamp', count: count * 2, label: `${label}/timestamps` }));
    }
    this.bytes = Math.max(16, pairs * 16);
    this.resolveBuffer = createBuffer(device, { size: this.bytes, usage: BUFFER_USAGE.QUERY_RESOLVE | BUFFER_USAGE.COPY_SRC, label: `${label}/resolve` });
    this.readBuffer = createBuffer(device, { size: this.bytes, usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST, label: `${label}/read` });
  }

  /** The `timestampWrites` of pass number `i` (0 ≤ i < pairs). */
  writes(i: number): GPUComputePassTimestampWrites {
    const j = i % PAIRS_PER_SET;
    return { querySet: this.sets[Math.floor(i / PAIRS_PER_SET)], beginningOfPassWriteIndex: 2 * j, endOfPassWriteIndex: 2 * j + 1 };
  }

  /** Records the resolve of every pair and the copy to the readable buffer, after the timed passes. */
  resolve(encoder: GPUCommandEncoder): void {
    this.sets.forEach((set, k) => {
      const count = Math.min(PAIRS_PER_SET, this.pairs - k * PAIRS_PER_SET);
      encoder.resolveQuerySet(set, 0, count * 2, this.resolveBuffer, k * PAIRS_PER_SET * 16);
    });
    encoder.copyBufferToBuffer(this.resolveBuffer, 0, this.readBuffer, 0, this.bytes);
  }

  /** The raw ticks (ns) once the submitted work is done: begin and end of each pair, in order. */
  async readTicks(): Promise<BigInt64Array> {
    await this.readBuffer.mapAsync(MAP_MODE.READ);
    const ticks = new BigInt64Array(this.readBuffer.getMappedRange().slice(0, this.pairs * 16));
    this.readBuffer.unmap();
    return ticks;
  }

  destroy(): void {
    for (const s of this.sets) destroyGpuObject(s);
    destroyGpuObject(this.resolveBuffer);
    destroyGpuObject(this.readBuffer);
  }
}
