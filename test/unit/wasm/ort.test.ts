/**
 * How the WebAssembly backend gets ONNX Runtime Web (src/wasm/ort.ts), with fake modules: a loader
 * that fails gives MissingPackageError naming the install command and why WebAssembly was wanted
 * (and is not remembered, so a later load can succeed); a module without InferenceSession is refused;
 * the one that loads is set up (wasmPaths, one thread outside a cross-origin isolated page, no proxy
 * worker) and shared by later loads. Threads follow crossOriginIsolated and the core count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MissingPackageError } from '../../../src/errors.ts';
import { defaultThreads, loadOrt, type OrtModule } from '../../../src/wasm/ort.ts';

function fakeOrt(): OrtModule {
  return {
    env: { wasm: { numThreads: 0, proxy: true } },
    Tensor: class {} as unknown as OrtModule['Tensor'],
    InferenceSession: { create: () => Promise.reject(new Error('not in this test')) },
  };
}

const g = globalThis as { crossOriginIsolated?: boolean };
afterEach(() => {
  delete g.crossOriginIsolated;
});

describe('loadOrt', () => {
  it('turns a failed import into MissingPackageError with the install command and the reason, then loads and sets up a good module once', async () => {
    const failed = loadOrt({ ort: () => Promise.reject(new Error("Cannot find package 'onnxruntime-web'")) }, 'no WebGPU in this browser');
    await expect(failed).rejects.toBeInstanceOf(MissingPackageError);
    await expect(failed).rejects.toThrow(/npm install onnxruntime-web/);
    await expect(failed).rejects.toThrow(/WebAssembly backend was chosen: no WebGPU in this browser/);
    await expect(loadOrt({ ort: async () => ({ default: {} }) })).rejects.toThrow(/no InferenceSession/);

    const mod = fakeOrt();
    const ort = await loadOrt({ ort: async () => ({ default: mod }), wasmPaths: '/static/ort/' });
    expect(ort).toBe(mod);
    expect(mod.env.wasm).toEqual({ wasmPaths: '/static/ort/', numThreads: 1, proxy: false });
    expect(mod.env.logLevel).toBe('error');
    // Later loads share it, whatever loader they name (ORT's environment is set once per page).
    expect(await loadOrt({ ort: () => Promise.reject(new Error('not asked')) })).toBe(mod);
  });
});

describe('defaultThreads', () => {
  it('one thread unless the page is cross-origin isolated, then up to 4', () => {
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    expect(defaultThreads()).toBe(1);
    g.crossOriginIsolated = false;
    expect(defaultThreads()).toBe(1);
    g.crossOriginIsolated = true;
    expect(defaultThreads()).toBe(Math.max(1, Math.min(4, cores)));
  });
});
