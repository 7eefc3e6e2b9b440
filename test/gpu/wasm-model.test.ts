/**
 * The WebAssembly model's surface against the WebGPU model's, in Chromium (test/browser/wasm-model.ts):
 * run() with the model's output and an extra layer output, batches, predictImage and preprocess on
 * browser images (the CPU recipe vs the GPU kernel), the typed errors (non-finite input, limits,
 * abort, wrong shape, disposed), and predictVolumeTiled on WebAssembly.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SurfaceReport } from '../browser/wasm-model.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/wasm-model.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

const MODEL = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));
const cell = (p: string) => fileUrl(join(fixturesDir(), 'images/malaria-cells', p));

describe('WasmModel, the same surface as Model', () => {
  it('run, batches, predictImage, preprocess and the typed errors agree with WebGPU', async () => {
    const r = await call<SurfaceReport>('surface', MODEL, [
      cell('Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png'),
      cell('Uninfected/C100P61ThinF_IMG_20150918_144823_cell_127.png'),
    ]);
    console.log(`wasm vs webgpu: run ${r.runDiffs.map((d) => d.toExponential(2)).join(', ')}; predictImage ${r.predictImageDiff.toExponential(2)}; preprocess ${r.preprocessDiff}`);
    expect(r.backends).toEqual(['wasm', 'webgpu']);
    // Outputs in the same order and shapes: the model's, then the extra layer's.
    expect(r.outputShapes[0]).toEqual(r.outputShapes[1]);
    expect(r.outputShapes[0]).toHaveLength(2);
    expect(r.outputShapes[0][0]).toEqual([3, 1]);
    // f32 on both sides; the sigmoid output and a conv layer's activations (values of order 1).
    for (const d of r.runDiffs) expect(d).toBeLessThanOrEqual(1e-4);
    expect(r.batchDiff).toBeLessThanOrEqual(1e-6);
    // The CPU recipe repeats the GPU kernel's float32 steps: equal to the last bit.
    expect(r.preprocessShape).toEqual([2, 64, 64, 3]);
    expect(r.preprocessDiff).toBe(0);
    expect(r.predictImageDiff).toBeLessThanOrEqual(1e-4);
    expect(r.nonFinite).toMatchObject({ name: 'NonFiniteError', code: 'NON_FINITE' });
    expect(r.nonFiniteAllowed).toBe('none');
    expect(r.limit).toMatchObject({ name: 'LimitError', code: 'LIMIT' });
    expect(r.aborted).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect(r.abortedInQueue).toMatchObject({ name: 'AbortError', code: 'ABORTED', message: expect.stringMatching(/aborted before it started/) });
    expect(r.badShape).toMatchObject({ code: 'SHAPE' });
    expect(r.disposed).toMatchObject({ message: expect.stringMatching(/disposed/) });
  });

  it('predictVolumeTiled on WebAssembly equals the whole volume, and WebGPU', async () => {
    const r = await call<{ tiles: number; shape: number[]; tiledVsWhole: number; wasmVsGpu: number }>('tiledOnWasm', [1, 20, 18, 16, 1], 12);
    console.log(`tiled on wasm: ${r.tiles} tiles, tiled vs whole ${r.tiledVsWhole.toExponential(2)}, wasm vs webgpu ${r.wasmVsGpu.toExponential(2)}`);
    expect(r.tiles).toBeGreaterThan(1);
    expect(r.shape).toEqual([1, 20, 18, 16, 3]);
    expect(r.tiledVsWhole).toBeLessThanOrEqual(1e-5);
    expect(r.wasmVsGpu).toBeLessThanOrEqual(1e-4);
  });
});
