/**
 * A batch too big for one run runs in chunks (src/runtime/batch-chunks.ts), on the GPU: forcing a
 * chunk budget of 4 samples through limits.batchChunkBytes, a batch of 10 cells through the bundled
 * malaria CNN runs as 4 + 4 + 2 (padded) and gives the same bits as the whole batch in one run, with
 * progress after each chunk, in order; an AbortSignal stops it between chunks with AbortError.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromWire, toWire } from '../../src/cli/wire.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';
import type { ChunkingRun } from '../browser/batch-chunking.ts';

const dir = join(repoRoot, 'weights/malaria-cnn');
const npy = (f: string) => parseNpy(readFileSync(join(dir, 'ref', f)));

describe('batch chunking', () => {
  it('10 cells in chunks of 4 equal the whole batch bit for bit; progress in order; abort between chunks', async () => {
    const eight = npy('test8.input.npy'); // [8, 64, 64, 3]
    const row = eight.data.length / 8;
    const data = new Float32Array(10 * row);
    data.set(eight.data);
    data.set(eight.data.subarray(0, 2 * row), 8 * row); // cells 9 and 10 repeat cells 1 and 2
    const input = { shape: [10, 64, 64, 3], data };
    const page = await gpuPage();
    const call = `import('/test/browser/batch-chunking.ts').then((m) => m.chunkedVsWhole(${JSON.stringify(fileUrl(join(dir, 'model.json')))}, ${JSON.stringify(toWire(input))}, 4))`;
    const r = (await page.evaluate(call)) as ChunkingRun;
    const whole = fromWire(r.whole);
    const chunked = fromWire(r.chunked);
    expect(r.perSampleBytes).toBeGreaterThan(0);
    expect(chunked.shape).toEqual([10, 1]);
    expect(whole.shape).toEqual([10, 1]);
    // Bit for bit: the same kernels on the same rows (a padded row never reaches a real one).
    expect(Array.from(new Uint32Array(chunked.data.buffer))).toEqual(Array.from(new Uint32Array(whole.data.buffer)));
    expect(Array.from(chunked.data.subarray(8))).toEqual(Array.from(chunked.data.subarray(0, 2)));
    expectTensorsClose({ shape: [8, 1], data: chunked.data.slice(0, 8) }, npy('test8.output.npy'), { atol: 1e-5, rtol: 1e-4 }, 'chunked vs Keras');
    expect(r.wholeEvents).toEqual([{ done: 10, total: 10 }]);
    expect(r.chunkedEvents).toEqual([
      { done: 4, total: 10 },
      { done: 8, total: 10 },
      { done: 10, total: 10 },
    ]);
    expect(r.abortEvents).toEqual([{ done: 4, total: 10 }]);
    expect(r.aborted).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
  });
});
