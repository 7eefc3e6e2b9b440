/**
 * Splitting a big batch (src/runtime/batch-chunks.ts), CPU only: chunk sizes from the per-sample
 * plan and the budget (balanced, never more than fits), every run of one batch size (the last chunk
 * zero-padded), rows copied back in order, progress after each chunk, and an aborted signal stopping
 * the batch between chunks. The GPU half (bit-identical results) is test/gpu/batch-chunking.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { batchOf, chunkSize, defaultChunkBytes, runInChunks, type BatchProgress } from '../../../src/runtime/batch-chunks.ts';
import { planLayout } from '../../../src/scheduler/layout.ts';
import type { Tensor } from '../../../src/tensor.ts';

const GIB = 2 ** 30;
const device = { maxBufferSize: GIB, maxStorageBufferBindingSize: GIB };

/** [?, 32, 32, 4] → UpSampling2D(2) → Flatten: per-sample activations known exactly from its plan. */
async function graph() {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'x', dtype: 'float32', batch_input_shape: [null, 32, 32, 4] } },
    { class_name: 'UpSampling2D', config: { name: 'up', size: [2, 2], interpolation: 'nearest', data_format: 'channels_last' } },
  ];
  const modelJson = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 'g', layers } }, weightsManifest: [] };
  return buildGraph(await readKerasModel({ modelJson, weights: [] }));
}

/** A batch-first tensor whose row r is filled with r + 1. */
function rowsTensor(n: number, row: number[]): Tensor {
  const size = row.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n * size);
  for (let r = 0; r < n; r++) data.fill(r + 1, r * size, (r + 1) * size);
  return { shape: [n, ...row], data };
}

describe('chunkSize', () => {
  it('the whole batch when it fits; balanced chunks of what fits otherwise', async () => {
    const g = await graph();
    const perSample = planLayout(g, [[1, 32, 32, 4]], device).peakBytes;
    expect(chunkSize(g, [[10, 32, 32, 4]], device, perSample * 10)).toBe(10);
    expect(chunkSize(g, [[10, 32, 32, 4]], device, perSample * 4 + 1)).toBe(4); // 4 + 4 + 2: three runs of 4
    expect(chunkSize(g, [[65, 32, 32, 4]], device, perSample * 64)).toBe(33); // 33 + 32, not 64 + 1
    expect(chunkSize(g, [[10, 32, 32, 4]], device, 1)).toBe(1); // never 0
    expect(chunkSize(g, [[1, 32, 32, 4]], device, 1)).toBe(1);
  });

  it('also within the device binding size, whatever the budget', async () => {
    const g = await graph();
    const largest = 64 * 64 * 4 * 4;
    expect(chunkSize(g, [[100, 32, 32, 4]], { maxBufferSize: GIB, maxStorageBufferBindingSize: largest * 7 }, GIB)).toBe(7); // 15 runs of 7 (the last 2 padded)
  });

  it('default budget: half the largest buffer, at most 512 MiB', () => {
    expect(defaultChunkBytes({ maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 })).toBe(128 * 2 ** 20);
    expect(defaultChunkBytes({ maxBufferSize: 16 * GIB, maxStorageBufferBindingSize: 4 * GIB })).toBe(512 * 2 ** 20);
  });

  it('batchOf: the shared first dimension, or undefined', () => {
    expect(batchOf([[3, 2], [3, 5]])).toBe(3);
    expect(batchOf([[3, 2], [4, 5]])).toBeUndefined();
  });
});

describe('runInChunks', () => {
  it('runs every chunk at the chunk size, pads the last with zeros, copies rows back in order and reports progress', async () => {
    const a = rowsTensor(10, [2, 3]);
    const b = rowsTensor(10, [4]);
    const seen: number[][] = [];
    const events: BatchProgress[] = [];
    // A "model" with two outputs: row sums of each input (batch-first, one value per row).
    const run = async ([x, y]: Tensor[]): Promise<Tensor[]> => {
      seen.push([x.shape[0], y.shape[0], ...Array.from({ length: x.shape[0] }, (_, r) => x.data[r * 6])]);
      const sums = (t: Tensor, w: number) => Float32Array.from({ length: t.shape[0] }, (_, r) => t.data.subarray(r * w, (r + 1) * w).reduce((p, q) => p + q, 0));
      return [
        { shape: [x.shape[0], 1], data: sums(x, 6) },
        { shape: [y.shape[0]], data: sums(y, 4) },
      ];
    };
    const out = await runInChunks([a, b], 4, run, { onProgress: (p) => events.push(p) });
    expect(seen).toEqual([
      [4, 4, 1, 2, 3, 4],
      [4, 4, 5, 6, 7, 8],
      [4, 4, 9, 10, 0, 0],
    ]);
    expect(events).toEqual([
      { done: 4, total: 10 },
      { done: 8, total: 10 },
      { done: 10, total: 10 },
    ]);
    expect(out[0].shape).toEqual([10, 1]);
    expect(Array.from(out[0].data)).toEqual(Array.from({ length: 10 }, (_, r) => 6 * (r + 1)));
    expect(out[1].shape).toEqual([10]);
    expect(Array.from(out[1].data)).toEqual(Array.from({ length: 10 }, (_, r) => 4 * (r + 1)));
  });

  it('a batch that fits runs once, on the inputs themselves, with one progress event', async () => {
    const x = rowsTensor(3, [2]);
    const events: BatchProgress[] = [];
    const out = await runInChunks([x], 3, async (xs) => {
      expect(xs[0]).toBe(x);
      return xs;
    }, { onProgress: (p) => events.push(p) });
    expect(out[0]).toBe(x);
    expect(events).toEqual([{ done: 3, total: 3 }]);
  });

  it('an aborted signal stops the batch between chunks with AbortError (code ABORTED)', async () => {
    const abort = new AbortController();
    let runs = 0;
    const promise = runInChunks([rowsTensor(10, [2])], 3, async (xs) => {
      runs++;
      return xs;
    }, { signal: abort.signal, onProgress: (p) => p.done === 6 && abort.abort(new Error('user stop')) });
    await expect(promise).rejects.toBeInstanceOf(AbortError);
    await expect(promise).rejects.toMatchObject({ code: 'ABORTED', cause: new Error('user stop') });
    expect(runs).toBe(2);
    await expect(runInChunks([rowsTensor(2, [1])], 1, async (xs) => xs, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});
