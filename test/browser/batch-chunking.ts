/**
 * Runs inside the test page: one model loaded twice, once as is and once with a chunk budget that
 * fits `samplesPerChunk` samples (limits.batchChunkBytes), runs the same batch through both with
 * progress, then aborts a chunked run after its first chunk (test/gpu/batch-chunking.test.ts checks).
 */
import { loadModel, type BatchProgress } from '../../src/index.ts';
import { fromWire, toWire, type WireTensor } from '../../src/cli/wire.ts';

export interface ChunkingRun {
  perSampleBytes: number;
  whole: WireTensor;
  chunked: WireTensor;
  wholeEvents: BatchProgress[];
  chunkedEvents: BatchProgress[];
  abortEvents: BatchProgress[];
  aborted?: { name: string; code?: string; message: string };
}

export async function chunkedVsWhole(url: string, input: WireTensor, samplesPerChunk: number): Promise<ChunkingRun> {
  const x = fromWire(input);
  // Autotuning off: both models run the kernels the rules pick, so the comparison is of chunking alone.
  const options = { autotune: false, cache: false, metadata: false } as const;
  const base = await loadModel(url, { ...options, backend: 'webgpu' });
  const one = [1, ...x.shape.slice(1)];
  const perSampleBytes = (await base.prepare([one])).peakActivationBytes;
  const chunker = await loadModel(url, { ...options, backend: 'webgpu', limits: { batchChunkBytes: perSampleBytes * samplesPerChunk + 1 } });
  try {
    const wholeEvents: BatchProgress[] = [];
    const [whole] = await base.run([x], { onProgress: (p) => wholeEvents.push(p) });
    const chunkedEvents: BatchProgress[] = [];
    const [chunked] = await chunker.run([x], { onProgress: (p) => chunkedEvents.push(p) });
    const abort = new AbortController();
    const abortEvents: BatchProgress[] = [];
    let aborted: ChunkingRun['aborted'];
    try {
      await chunker.run([x], {
        signal: abort.signal,
        onProgress: (p) => {
          abortEvents.push(p);
          abort.abort();
        },
      });
    } catch (e) {
      const err = e as Error & { code?: string };
      aborted = { name: err.name, code: err.code, message: err.message };
    }
    return { perSampleBytes, whole: toWire(whole), chunked: toWire(chunked), wholeEvents, chunkedEvents, abortEvents, aborted };
  } finally {
    await base.dispose();
    await chunker.dispose();
  }
}
