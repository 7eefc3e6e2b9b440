/**
 * `mi predict --backend` (issue 12): the pneumonia .h5 on WebAssembly (ONNX Runtime Web) in both
 * runtimes matches Keras as the WebGPU runs do, the summary line names the backend and why, 'auto'
 * on this machine's SwiftShader takes WebAssembly, and a wrong value is a usage error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import type { Tensor } from '../../src/tensor.ts';
import { fixturesDir } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const npy = (path: string): Tensor => parseNpy(readFileSync(path), path);
const tmp = tempDir();
const PNEUMONIA = () => join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5');

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** `… · WebAssembly (ONNX Runtime Web): <reason> · <runtime>` at the end of the one summary line. */
const WASM_SUMMARY = /^output \[2, 1\] float32 → .+ · [\d.]+ ms \(run [\d.]+ ms\) · WebAssembly \(ONNX Runtime Web\): (.+) · (chromium|node)\n$/;

async function predict(runtime: string, backend: string) {
  const out = join(tmp, `pneumonia-${runtime}-${backend}.npy`);
  const args = ['predict', join(PNEUMONIA(), 'pneumonia_model.h5'), '--input', join(PNEUMONIA(), 'ref/pmnist2.input.npy'), '-o', out];
  const r = await mi([...args, '--runtime', runtime, '--backend', backend]);
  return { r, out };
}

describe('mi predict --backend', () => {
  it.each(['chromium', 'node'])("%s runtime, --backend wasm: output within 1e-4 of model.predict, the summary names WebAssembly", async (runtime) => {
    const { r, out } = await predict(runtime, 'wasm');
    expect(r.code, show(r)).toBe(0);
    const m = WASM_SUMMARY.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(m![1]).toBe("chosen by backend: 'wasm'");
    expect(m![2]).toBe(runtime);
    const err = maxAbsDiff(npy(out), npy(join(PNEUMONIA(), 'ref/pmnist2.output.npy')));
    console.log(`mi predict --backend wasm (${runtime}): max |error| ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-4);
  });

  it("--backend auto in Chromium on SwiftShader takes WebAssembly and says why", async () => {
    const { r, out } = await predict('chromium', 'auto');
    expect(r.code, show(r)).toBe(0);
    expect(WASM_SUMMARY.exec(r.stdout)?.[1], r.stdout).toBe('software adapter (SwiftShader): WebAssembly is faster');
    expect(maxAbsDiff(npy(out), npy(join(PNEUMONIA(), 'ref/pmnist2.output.npy')))).toBeLessThanOrEqual(1e-4);
  });

  it('an unknown backend is a usage error (exit 2), before any runtime starts', async () => {
    const { r } = await predict('node', 'cuda');
    expect(r.code, show(r)).toBe(2);
    expect(r.stderr).toMatch(/--backend must be webgpu, wasm or auto, got "cuda"/);
  });
});
