/**
 * The WebAssembly backend (src/wasm: our graph after its passes, exported as ONNX and run by ONNX
 * Runtime Web's WASM provider) against the same Keras references and tolerances as the WebGPU
 * tests of these models (bundled-model.test.ts, fixture-classifiers.test.ts), in the test page; and
 * `backend: 'auto'` on this machine's SwiftShader adapter choosing WebAssembly, with its reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';

const npy = (path: string) => parseNpy(readFileSync(path));
const malaria = join(repoRoot, 'weights/malaria-cnn');

const open: LoadedModel[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

async function load(path: string, options: Parameters<typeof loadModelInPage>[1]): Promise<LoadedModel> {
  const m = await loadModelInPage(path, options);
  open.push(m);
  return m;
}

describe("backend 'wasm' vs real Keras", () => {
  it('bundled malaria-cnn (model.json): outputs and logits of 8 held-out cells, as on WebGPU', async () => {
    const input = npy(join(malaria, 'ref/test8.input.npy'));
    const expected = npy(join(malaria, 'ref/test8.output.npy'));
    const probs = await load(join(malaria, 'model.json'), { backend: 'wasm' });
    const logits = await load(join(malaria, 'model.json'), { backend: 'wasm', logits: true });
    expect(probs.backend).toBe('wasm');
    expect(probs.backendReason).toBe("chosen by backend: 'wasm'");
    const [p] = await probs.run([input]);
    const [l] = await logits.run([input]);
    expect(p.shape).toEqual(expected.shape);
    expectTensorsClose(p, expected, { atol: 1e-5, rtol: 1e-4 }, 'wasm malaria-cnn output');
    const stats = expectTensorsClose(l, npy(join(malaria, 'ref/test8.logits.npy')), { atol: 1e-4, rtol: 0 }, 'wasm malaria-cnn logits');
    console.log(`wasm malaria-cnn: max |logit error| ${stats.maxAbs.toExponential(2)}`);
    for (let i = 0; i < 8; i++) expect(p.data[i] > 0.5, `decision ${i}`).toBe(expected.data[i] > 0.5);
    // Other batch sizes run in the same session (the export's batch is symbolic).
    const [one] = await probs.run([{ shape: [1, ...input.shape.slice(1)], data: input.data.slice(0, input.data.length / 8) }]);
    expect(one.shape).toEqual([1, 1]);
    expect(Math.abs(one.data[0] - p.data[0])).toBeLessThan(1e-6);
  });

  it('pneumonia CNN fixture (Keras 2.4 .h5): outputs and logits ≤ 1e-4, same decisions', async () => {
    const models = join(fixturesDir(), 'models');
    const ref = join(models, 'pneumonia-cnn-keras2-h5/ref/pmnist2');
    const input = npy(`${ref}.input.npy`);
    const expectedOut = npy(`${ref}.output.npy`);
    const file = join(models, 'pneumonia-cnn-keras2-h5/pneumonia_model.h5');
    const probs = await load(file, { backend: 'wasm' });
    const logits = await load(file, { backend: 'wasm', logits: true });
    const [out] = await probs.run([input]);
    const [l] = await logits.run([input]);
    expectTensorsClose(out, expectedOut, { atol: 1e-4, rtol: 0 }, 'wasm pneumonia output');
    const stats = expectTensorsClose(l, npy(`${ref}.logits.npy`), { atol: 1e-4, rtol: 0 }, 'wasm pneumonia logits');
    console.log(`wasm pneumonia: max |logit error| ${stats.maxAbs.toExponential(2)}`);
    for (let i = 0; i < expectedOut.data.length; i++) expect(out.data[i] > 0.5, `decision ${i}`).toBe(expectedOut.data[i] > 0.5);
  });
});

describe("backend 'auto' on this machine's SwiftShader", () => {
  it('chooses WebAssembly and says why, and still gives the Keras outputs', async () => {
    const model = await load(join(malaria, 'model.json'), { backend: 'auto' });
    expect(model.backend).toBe('wasm');
    expect(model.backendReason).toBe('software adapter (SwiftShader): WebAssembly is faster');
    const input = npy(join(malaria, 'ref/test8.input.npy'));
    const [p] = await model.run([input]);
    expectTensorsClose(p, npy(join(malaria, 'ref/test8.output.npy')), { atol: 1e-5, rtol: 1e-4 }, 'auto malaria-cnn output');
  });
});
