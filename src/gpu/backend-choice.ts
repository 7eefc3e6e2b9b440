/**
 * Which backend a model runs on: WebGPU, or WebAssembly through ONNX Runtime Web. Decided before
 * anything of the model is downloaded: the GPU's adapter is requested first, and with 'auto' a
 * missing, software or unusable GPU sends the model to WebAssembly, with a sentence saying why.
 *
 * Why a software adapter means WebAssembly: SwiftShader and llvmpipe run WebGPU on the CPU through
 * a Vulkan emulation; on the same 2-core machine ONNX Runtime's WASM backend ran our models
 * 3–15× faster than our kernels on SwiftShader (docs/bench.md, issue 12).
 */
import { WebGPUUnavailableError } from '../errors.ts';
import { acquireGpu, adapterNameOf, openDevice, requestGpuAdapter, type DeviceOptions, type GpuContext } from './device.ts';

/** The load option: 'auto' (the default) decides by the GPU found; the others force one backend. */
export type BackendOption = 'auto' | 'webgpu' | 'wasm';
/** The backend a model runs on. */
export type BackendName = 'webgpu' | 'wasm';

export interface BackendChoice {
  backend: BackendName;
  /** A short human sentence: why this backend (shown by the element's badge and the CLI). */
  reason: string;
  /** The device, when the choice is WebGPU. */
  gpu?: GpuContext;
  /**
   * WebAssembly chosen over a working software adapter: that adapter, for when ONNX Runtime Web
   * turns out to be unavailable and WebGPU on it is still better than no answer (see withFallback).
   */
  fallback?: { gpu: GPU; adapter: GPUAdapter; software: string };
}

/**
 * The choice once it is known whether WebAssembly can run: `wasmReady` resolves when ONNX Runtime
 * Web loaded and rejects with why not. When it cannot, and WebAssembly was chosen only because the
 * adapter is a software one, the model runs on WebGPU on that adapter instead (slower, but an
 * answer). With no WebGPU at all, 'auto' fails as a browser without WebGPU did before there was a
 * WebAssembly path (WebGPUUnavailableError, which the element shows as "no WebGPU"), its message
 * adding what the WebAssembly path lacks; a forced 'wasm' fails with the loader's error.
 */
export async function withFallback(
  choice: BackendChoice,
  wasmReady: () => Promise<unknown>,
  options: DeviceOptions,
  option: BackendOption = 'auto',
): Promise<BackendChoice> {
  if (choice.backend !== 'wasm') return choice;
  try {
    await wasmReady();
    return choice;
  } catch (err) {
    if (option === 'wasm') throw err;
    if (!choice.fallback) {
      const why = (err as Error)?.message ?? String(err);
      throw new WebGPUUnavailableError(`WebGPU is not available (${choice.reason}), and neither is the WebAssembly path: ${why}`, { cause: err });
    }
    const { gpu, adapter, software } = choice.fallback;
    const reason = `software adapter (${software}), but ONNX Runtime Web is not available for WebAssembly`;
    return { backend: 'webgpu', reason, gpu: await openDevice(gpu, adapter, options) };
  }
}

const isNode = (): boolean => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

/** Names of CPU implementations of WebGPU/Vulkan, as adapters describe themselves. */
const SOFTWARE_ADAPTERS: readonly [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
];

/**
 * The name of the software renderer behind an adapter ('SwiftShader', 'llvmpipe', 'a fallback
 * adapter'), or undefined for a hardware GPU. Reads `info.isFallbackAdapter` (the spec's flag) and the
 * vendor, architecture and description strings, since Chromium reports SwiftShader as a normal adapter.
 */
export function softwareAdapter(adapter: GPUAdapter): string | undefined {
  const info = adapter.info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const text = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') : '';
  for (const [pattern, name] of SOFTWARE_ADAPTERS) if (pattern.test(text)) return name;
  if (info?.isFallbackAdapter || legacy) return 'a fallback adapter';
  return undefined;
}

/**
 * Chooses the backend for `option`. 'webgpu' acquires the GPU or throws WebGPUUnavailableError as
 * before; 'wasm' touches no GPU; 'auto' with a caller's `device` uses it (the caller chose WebGPU),
 * and otherwise falls to WebAssembly when there is no `navigator.gpu`, no adapter, a software or
 * fallback adapter, or when the adapter refuses a device.
 */
export async function chooseBackend(option: BackendOption | undefined, options: DeviceOptions): Promise<BackendChoice> {
  const chosen = option ?? 'auto';
  if (chosen !== 'auto' && chosen !== 'webgpu' && chosen !== 'wasm') {
    throw new RangeError(`backend must be 'auto', 'webgpu' or 'wasm', got ${JSON.stringify(option)}`);
  }
  if (chosen === 'wasm') return { backend: 'wasm', reason: "chosen by backend: 'wasm'" };
  if (chosen === 'webgpu') {
    const gpu = await acquireGpu(options);
    return { backend: 'webgpu', reason: "chosen by backend: 'webgpu'", gpu };
  }
  if (options.device) return { backend: 'webgpu', reason: 'the GPUDevice given as the device option', gpu: await acquireGpu(options) };
  const present = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!present) return { backend: 'wasm', reason: isNode() ? 'no WebGPU in Node (Dawn is the gpu option: nodeGpu())' : 'no WebGPU in this browser' };
  let found: { gpu: GPU; adapter: GPUAdapter };
  try {
    found = await requestGpuAdapter(options);
  } catch (err) {
    if (!(err instanceof WebGPUUnavailableError)) throw err;
    return { backend: 'wasm', reason: 'no WebGPU adapter (GPU blocklisted or WebGPU disabled)' };
  }
  const software = softwareAdapter(found.adapter);
  if (software) return { backend: 'wasm', reason: `software adapter (${software}): WebAssembly is faster`, fallback: { ...found, software } };
  try {
    const gpu = await openDevice(found.gpu, found.adapter, options);
    return { backend: 'webgpu', reason: `hardware adapter (${adapterNameOf(found.adapter)})`, gpu };
  } catch (err) {
    if (!(err instanceof WebGPUUnavailableError)) throw err;
    return { backend: 'wasm', reason: 'the GPU refused to create a WebGPU device' };
  }
}
