/**
 * Big batches in chunks. A plan holds every activation of its batch at once, so batch 64 through a
 * ResNet at 224² asked Dawn for 5.7 GB and ran 314 s with no sign of life. Here a batch whose
 * activations would exceed a budget runs as several runs of one smaller plan, with progress and an
 * AbortSignal checked between them; the results are the same numbers (each sample's outputs depend
 * on that sample alone, and every chunk goes through the same plan and kernels).
 *
 * Sizing: the plan at batch 1 (CPU planning only, no GPU objects) gives the activation bytes per
 * sample and the largest buffer per sample; a chunk holds as many samples as fit both the budget
 * (limits.batchChunkBytes, default half the device's largest buffer, at most 512 MiB) and the
 * device's binding size. Chunks are balanced (65 samples with room for 64 run as 33 + 32, not
 * 64 + 1), and the last one is padded with zeros up to the chunk size, so one plan serves them all.
 */
import { AbortError, ShapeError } from '../errors.ts';
import type { Graph } from '../graph/ir.ts';
import { planLayout, type LayoutLimits } from '../scheduler/layout.ts';
import { shapeToString, sizeOf, type Tensor } from '../tensor.ts';

/** Samples of a batch done so far, reported after each chunk. */
export interface BatchProgress {
  done: number;
  total: number;
}

export interface ChunkOptions {
  /** Called after each chunk (once, at the end, when the batch runs whole). */
  onProgress?: (progress: BatchProgress) => void;
  /** Checked before each chunk: an aborted signal stops the batch with AbortError. */
  signal?: AbortSignal;
}

const MAX_DEFAULT_BYTES = 512 * 2 ** 20;

/** The default activation budget of one run: half the device's largest buffer, at most 512 MiB. */
export function defaultChunkBytes(limits: LayoutLimits): number {
  return Math.min(MAX_DEFAULT_BYTES, Math.floor(limits.maxBufferSize / 2));
}

/** Per-sample cost of a graph at given input shapes (batch 1), remembered per graph. */
const costs = new WeakMap<Graph, Map<string, { bytes: number; largest: number } | null>>();

function perSample(graph: Graph, shapes: readonly (readonly number[])[], limits: LayoutLimits): { bytes: number; largest: number } | null {
  const one = shapes.map((s) => [1, ...s.slice(1)]);
  const key = one.map((s) => s.join('x')).join(',');
  let byGraph = costs.get(graph);
  if (!byGraph) costs.set(graph, (byGraph = new Map()));
  if (!byGraph.has(key)) {
    try {
      const layout = planLayout(graph, one, limits);
      byGraph.set(key, { bytes: layout.peakBytes, largest: Math.max(...layout.slotBytes) });
    } catch {
      byGraph.set(key, null); // even one sample does not plan: the whole batch reports why
    }
  }
  return byGraph.get(key)!;
}

/** The batch size all inputs share on their first axis, or undefined when they disagree. */
export function batchOf(shapes: readonly (readonly number[])[]): number | undefined {
  const n = shapes[0]?.[0];
  return shapes.every((s) => s.length > 0 && s[0] === n) ? n : undefined;
}

/**
 * Samples per run for this batch: all of them when their activations fit `budget` bytes and every
 * buffer fits the device, else the balanced chunk size.
 */
export function chunkSize(graph: Graph, shapes: readonly (readonly number[])[], limits: LayoutLimits, budget = defaultChunkBytes(limits)): number {
  const batch = batchOf(shapes);
  if (batch === undefined || batch <= 1) return batch ?? 0;
  const cost = perSample(graph, shapes, limits);
  if (!cost) return batch;
  const bind = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const fit = Math.max(1, Math.min(Math.floor(budget / cost.bytes), Math.floor(bind / cost.largest)));
  if (batch <= fit) return batch;
  return Math.ceil(batch / Math.ceil(batch / fit));
}

/**
 * Runs `inputs` (batch N on the first axis of each) `chunk` samples at a time through `run`, which
 * always gets batch `chunk` (the last chunk zero-padded), and copies each output's rows into
 * full-batch outputs. With chunk ≥ N, `run` gets the inputs themselves.
 */
export async function runInChunks(
  inputs: readonly Tensor[],
  chunk: number,
  run: (inputs: Tensor[]) => Promise<Tensor[]>,
  options: ChunkOptions = {},
): Promise<Tensor[]> {
  const total = batchOf(inputs.map((t) => t.shape)) ?? 0;
  throwIfAborted(options.signal);
  if (chunk >= total) {
    const outputs = await run([...inputs]);
    options.onProgress?.({ done: total, total });
    return outputs;
  }
  let outputs: { shape: number[]; data: Float32Array; row: number }[] | undefined;
  for (let start = 0; start < total; start += chunk) {
    throwIfAborted(options.signal);
    const count = Math.min(chunk, total - start);
    const part = await run(inputs.map((t) => rows(t, start, count, chunk)));
    outputs ??= part.map((o) => {
      if (o.shape[0] !== chunk) {
        throw new ShapeError(`an output of shape ${shapeToString(o.shape)} does not keep the batch on its first axis, so the batch cannot run in chunks: raise limits.batchChunkBytes`);
      }
      const row = sizeOf(o.shape) / chunk;
      return { shape: [total, ...o.shape.slice(1)], data: new Float32Array(total * row), row };
    });
    part.forEach((o, i) => outputs![i].data.set(o.data.subarray(0, count * outputs![i].row), start * outputs![i].row));
    options.onProgress?.({ done: start + count, total });
  }
  return outputs!.map(({ shape, data }) => ({ shape, data }));
}

/** Rows [start, start + count) of a batch-first tensor, as a tensor of `size` rows (zeros after `count`). */
function rows(t: Tensor, start: number, count: number, size: number): Tensor {
  const row = sizeOf(t.shape) / t.shape[0];
  if (count === size) return { shape: [size, ...t.shape.slice(1)], data: t.data.subarray(start * row, (start + count) * row) };
  const data = new Float32Array(size * row);
  data.set(t.data.subarray(start * row, (start + count) * row));
  return { shape: [size, ...t.shape.slice(1)], data };
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError('the run was aborted between chunks of its batch', { cause: signal.reason });
}
