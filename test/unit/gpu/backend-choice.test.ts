/**
 * The backend choice of loadModel (src/gpu/backend-choice.ts) on fake GPUs: what 'auto' picks for
 * no WebGPU, no adapter, a fallback or software adapter, a hardware adapter and a device that cannot
 * be made, with the reason it gives; and that 'webgpu' / 'wasm' are obeyed.
 */
import { describe, expect, it } from 'vitest';
import { chooseBackend, softwareAdapter, withFallback } from '../../../src/gpu/backend-choice.ts';
import { MissingPackageError, WebGPUUnavailableError } from '../../../src/errors.ts';

interface FakeInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** Counts what the choice asked of the fake GPU. */
interface Calls {
  adapters: number;
  devices: number;
}

function fakeDevice(): GPUDevice {
  return { features: new Set<string>(), lost: new Promise(() => undefined), limits: {}, destroy() {} } as unknown as GPUDevice;
}

function fakeAdapter(info: FakeInfo, calls: Calls, failDevice = false): GPUAdapter {
  return {
    info,
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
    features: new Set<string>(),
    async requestDevice() {
      calls.devices++;
      if (failDevice) throw new Error('OperationError: device creation failed');
      return fakeDevice();
    },
  } as unknown as GPUAdapter;
}

function fakeGpu(adapter: (calls: Calls) => GPUAdapter | null, calls: Calls): GPU {
  return {
    async requestAdapter() {
      calls.adapters++;
      return adapter(calls);
    },
  } as unknown as GPU;
}

const SWIFTSHADER: FakeInfo = { vendor: 'google', architecture: 'swiftshader', description: 'Vulkan: SwiftShader Device (Subzero)' };
const LLVMPIPE: FakeInfo = { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.7, 256 bits)' };
const HARDWARE: FakeInfo = { vendor: 'nvidia', architecture: 'ada-lovelace', description: 'NVIDIA GeForce RTX 4070' };

function setup(info: FakeInfo | null, failDevice = false): { gpu: GPU; calls: Calls } {
  const calls: Calls = { adapters: 0, devices: 0 };
  return { gpu: fakeGpu((c) => (info ? fakeAdapter(info, c, failDevice) : null), calls), calls };
}

describe("backend 'auto'", () => {
  it('falls to WebAssembly without navigator.gpu (Node has none)', async () => {
    expect((globalThis.navigator as Navigator | undefined)?.gpu).toBeUndefined();
    const choice = await chooseBackend('auto', {});
    expect(choice).toEqual({ backend: 'wasm', reason: 'no WebGPU in Node (Dawn is the gpu option: nodeGpu())' });
  });

  it('is the default when no backend is given', async () => {
    expect((await chooseBackend(undefined, {})).backend).toBe('wasm');
    const { gpu } = setup(HARDWARE);
    expect((await chooseBackend(undefined, { gpu })).backend).toBe('webgpu');
  });

  it('falls to WebAssembly when there is no adapter, or asking for one throws', async () => {
    const none = setup(null);
    const choice = await chooseBackend('auto', { gpu: none.gpu });
    expect(choice.backend).toBe('wasm');
    expect(choice.reason).toMatch(/no WebGPU adapter/);
    expect(none.calls).toEqual({ adapters: 1, devices: 0 });
    const throwing = { requestAdapter: () => Promise.reject(new Error('blocked')) } as unknown as GPU;
    expect(await chooseBackend('auto', { gpu: throwing })).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/no WebGPU adapter/) });
  });

  it('falls to WebAssembly on SwiftShader and llvmpipe, naming them, without making a device', async () => {
    for (const [info, name] of [[SWIFTSHADER, 'SwiftShader'], [LLVMPIPE, 'llvmpipe']] as const) {
      const { gpu, calls } = setup(info);
      const choice = await chooseBackend('auto', { gpu });
      expect(choice).toMatchObject({ backend: 'wasm', reason: `software adapter (${name}): WebAssembly is faster` });
      expect(choice.gpu).toBeUndefined();
      expect(calls.devices).toBe(0);
    }
  });

  it('falls to WebAssembly on an adapter flagged isFallbackAdapter', async () => {
    const { gpu } = setup({ vendor: 'someone', description: 'a CPU adapter', isFallbackAdapter: true });
    expect(await chooseBackend('auto', { gpu })).toMatchObject({ backend: 'wasm', reason: 'software adapter (a fallback adapter): WebAssembly is faster' });
  });

  it('takes WebGPU on a hardware adapter, with its device and name', async () => {
    const { gpu, calls } = setup(HARDWARE);
    const choice = await chooseBackend('auto', { gpu });
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toBe('hardware adapter (nvidia ada-lovelace NVIDIA GeForce RTX 4070)');
    expect(choice.gpu?.adapterName).toBe('nvidia ada-lovelace NVIDIA GeForce RTX 4070');
    expect(calls).toEqual({ adapters: 1, devices: 1 });
  });

  it('falls to WebAssembly when the hardware adapter refuses a device', async () => {
    const { gpu, calls } = setup(HARDWARE, true);
    expect(await chooseBackend('auto', { gpu })).toEqual({ backend: 'wasm', reason: 'the GPU refused to create a WebGPU device' });
    expect(calls.devices).toBe(1);
  });

  it("keeps a caller's device on WebGPU, whatever adapter it came from", async () => {
    const choice = await chooseBackend('auto', { device: fakeDevice() });
    expect(choice.backend).toBe('webgpu');
    expect(choice.gpu?.adapterName).toBe('caller-supplied device');
  });
});

describe('forced backends', () => {
  it("'wasm' asks the GPU nothing", async () => {
    const { gpu, calls } = setup(HARDWARE);
    expect(await chooseBackend('wasm', { gpu })).toEqual({ backend: 'wasm', reason: "chosen by backend: 'wasm'" });
    expect(calls).toEqual({ adapters: 0, devices: 0 });
  });

  it("'webgpu' runs on a software adapter when told to, and fails typed without WebGPU", async () => {
    const { gpu } = setup(SWIFTSHADER);
    const choice = await chooseBackend('webgpu', { gpu });
    expect(choice).toMatchObject({ backend: 'webgpu', reason: "chosen by backend: 'webgpu'" });
    expect(choice.gpu?.adapterName).toContain('swiftshader');
    await expect(chooseBackend('webgpu', {})).rejects.toBeInstanceOf(WebGPUUnavailableError);
    await expect(chooseBackend('webgpu', { gpu: setup(HARDWARE, true).gpu })).rejects.toThrow(/refused to create a device/);
  });

  it('refuses an unknown backend name', async () => {
    await expect(chooseBackend('cuda' as never, {})).rejects.toThrow(RangeError);
  });
});

describe('withFallback: when ONNX Runtime Web cannot be loaded', () => {
  const missing = () => Promise.reject(new MissingPackageError('npm install onnxruntime-web'));
  const loaded = () => Promise.resolve();

  it('keeps WebAssembly when it loads', async () => {
    const { gpu, calls } = setup(SWIFTSHADER);
    const choice = await withFallback(await chooseBackend('auto', { gpu }), loaded, { gpu });
    expect(choice.backend).toBe('wasm');
    expect(calls.devices).toBe(0);
  });

  it('runs on the software adapter instead, saying so, rather than failing', async () => {
    const { gpu, calls } = setup(SWIFTSHADER);
    const choice = await withFallback(await chooseBackend('auto', { gpu }), missing, { gpu });
    expect(choice.backend).toBe('webgpu');
    expect(choice.reason).toBe('software adapter (SwiftShader), but ONNX Runtime Web is not available for WebAssembly');
    expect(choice.gpu?.adapterName).toContain('swiftshader');
    expect(calls).toEqual({ adapters: 1, devices: 1 });
  });

  it("without WebGPU, 'auto' fails as 'no WebGPU' and says what WebAssembly lacks; a forced 'wasm' fails with the loader's error", async () => {
    const noGpu = withFallback(await chooseBackend('auto', {}), missing, {});
    await expect(noGpu).rejects.toBeInstanceOf(WebGPUUnavailableError);
    await expect(noGpu).rejects.toThrow(/^WebGPU is not available \(no WebGPU in Node .*\), and neither is the WebAssembly path: npm install onnxruntime-web$/);
    const { gpu, calls } = setup(SWIFTSHADER);
    await expect(withFallback(await chooseBackend('wasm', { gpu }), missing, { gpu }, 'wasm')).rejects.toBeInstanceOf(MissingPackageError);
    expect(calls.devices).toBe(0);
  });
});

describe('softwareAdapter', () => {
  it('reads the description, the architecture and the fallback flag; a hardware GPU is none', () => {
    const calls: Calls = { adapters: 0, devices: 0 };
    expect(softwareAdapter(fakeAdapter(SWIFTSHADER, calls))).toBe('SwiftShader');
    expect(softwareAdapter(fakeAdapter({ vendor: 'google', architecture: 'swiftshader' }, calls))).toBe('SwiftShader');
    expect(softwareAdapter(fakeAdapter(LLVMPIPE, calls))).toBe('llvmpipe');
    expect(softwareAdapter(fakeAdapter({ isFallbackAdapter: true }, calls))).toBe('a fallback adapter');
    expect(softwareAdapter(fakeAdapter(HARDWARE, calls))).toBeUndefined();
  });
});
