/**
 * `backend: 'auto'` in the test page, whose only adapter is SwiftShader: it chooses WebAssembly and
 * says why, gives real Keras' outputs, and runs any batch size (one ONNX Runtime session per batch
 * size, the export's batch fixed; the oldest of more than three is released and made again when
 * needed, which the loop over batch sizes below exercises). The Keras references on both backends are the parametrised model
 * tests' (bundled-model.test.ts, fixture-classifiers.test.ts, ... over test/util/backends.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';

const npy = (path: string) => parseNpy(readFileSync(path));
const malaria = join(repoRoot, 'weights/malaria-cnn');

const open: LoadedModel[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

describe("backend 'auto' on this machine's SwiftShader", () => {
  it('chooses WebAssembly and says why, gives the Keras outputs, and runs any batch size', async () => {
    const model = await loadModelInPage(join(malaria, 'model.json'), { backend: 'auto' });
    open.push(model);
    expect(model.backend).toBe('wasm');
    expect(model.backendReason).toBe('software adapter (SwiftShader): WebAssembly is faster');
    const input = npy(join(malaria, 'ref/test8.input.npy'));
    const [p] = await model.run([input]);
    const stats = expectTensorsClose(p, npy(join(malaria, 'ref/test8.output.npy')), { atol: 1e-5, rtol: 1e-4 }, 'auto malaria-cnn output');
    console.log(`auto (wasm) malaria-cnn: max |output error| ${stats.maxAbs.toExponential(2)}`);
    const per = input.data.length / 8;
    const [one] = await model.run([{ shape: [1, ...input.shape.slice(1)], data: input.data.slice(per, 2 * per) }]);
    expect(one.shape).toEqual([1, 1]);
    expect(Math.abs(one.data[0] - p.data[1])).toBeLessThan(1e-6);
    // Batches 2..5 (each its own session, evicting older ones), then 8 again: the same numbers.
    for (const n of [2, 3, 4, 5, 8]) {
      const [y] = await model.run([{ shape: [n, ...input.shape.slice(1)], data: input.data.slice(0, n * per) }]);
      expect(y.shape).toEqual([n, 1]);
      for (let i = 0; i < n; i++) expect(Math.abs(y.data[i] - p.data[i]), `batch ${n}, item ${i}`).toBeLessThan(1e-6);
    }
  });
});
