/**
 * Device acquisition: finds an adapter, asks for the largest buffers it allows (models with big
 * Dense layers need them) and the optional features we use, and wires device loss into typed
 * errors (validation and out-of-memory errors are caught by error scopes where objects are made and
 * runs submitted). Everything else receives a GpuContext.
 */
import { DeviceLostError, WebGPUUnavailableError } from '../errors.ts';

export interface GpuContext {
  device: GPUDevice;
  /** "vendor architecture description" of the adapter, for reports. */
  adapterName: string;
  hasTimestampQuery: boolean;
  /** Resolves with the reason when the device is lost; never rejects. */
  lost: Promise<string>;
  /** The reason once `lost` has resolved (it resolves a task or so after `destroy()` or a GPU reset). */
  lostReason(): string | undefined;
  /**
   * Calls `listener` with the reason when the device is lost (at once if it is); returns what stops
   * that. For waits that end: a reaction added to `lost`, which never settles while the device
   * lives, stays for the device's life, so a `.then` on it per run grew the heap with every run.
   */
  whenLost(listener: (reason: string) => void): () => void;
  /**
   * Requests a new device the way this one was requested, to replace it once it is lost. Absent
   * for a device the caller supplied: the engine neither destroys nor replaces someone else's device.
   */
  readonly renew?: () => Promise<GpuContext>;
  /**
   * The GPU entry point the device came from, held for the device's lifetime: Dawn for Node frees
   * its instance when the `GPU` object is garbage collected, and a device that outlives it crashes
   * the process (seen as a segfault when a script passed `{ gpu: await nodeGpu() }` inline).
   */
  readonly gpu?: GPU;
}

export interface DeviceOptions {
  /** Use this device instead of requesting one (it is not destroyed by dispose()). */
  device?: GPUDevice;
  /** The GPU entry point: `navigator.gpu` in browsers, `create([])` from npm `webgpu` in Node. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

const NO_WEBGPU =
  'WebGPU is not available in this browser. Use a current Chrome or Edge (113+), Safari 26+, or Firefox 141+ on Windows; ' +
  'on Linux Chrome needs --enable-unsafe-webgpu.';

export async function acquireGpu(options: DeviceOptions = {}): Promise<GpuContext> {
  if (options.device) return wrapDevice(options.device, 'caller-supplied device');
  const { gpu, adapter } = await requestGpuAdapter(options);
  return openDevice(gpu, adapter, options);
}

/** The GPU entry point and its adapter, or WebGPUUnavailableError saying which is missing. */
export async function requestGpuAdapter(options: DeviceOptions = {}): Promise<{ gpu: GPU; adapter: GPUAdapter }> {
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new WebGPUUnavailableError(NO_WEBGPU);
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (cause) {
    throw new WebGPUUnavailableError(`Requesting a WebGPU adapter failed: ${String(cause)}`, { cause });
  }
  if (!adapter) {
    throw new WebGPUUnavailableError(
      'WebGPU is present but no adapter was found (the GPU may be blocklisted or WebGPU disabled). ' + NO_WEBGPU,
    );
  }
  return { gpu, adapter };
}

/** "vendor architecture description" of an adapter, for reports. */
export function adapterNameOf(adapter: GPUAdapter): string {
  const info = adapter.info;
  const name = info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : '';
  return name || 'unknown adapter';
}

/** Requests the engine's device from an adapter (the largest buffers it allows, timestamp queries when offered). */
export async function openDevice(gpu: GPU, adapter: GPUAdapter, options: DeviceOptions = {}): Promise<GpuContext> {
  const al = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxBufferSize: al.maxBufferSize,
    maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: al.maxStorageBuffersPerShaderStage,
    maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: al.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: al.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: al.maxComputeWorkgroupSizeY,
  };
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'mi-engine' });
  } catch (cause) {
    throw new WebGPUUnavailableError(`The WebGPU adapter refused to create a device: ${String(cause)}`, { cause });
  }
  // Keeps only what requesting a device needs: the load options also hold fetch, signal and the like.
  const again: DeviceOptions = { gpu, powerPreference: options.powerPreference };
  return wrapDevice(device, adapterNameOf(adapter), gpu, () => acquireGpu(again));
}

/** What the engine watches on a device: its loss. */
interface DeviceWatch {
  lostReason?: string;
  lost: Promise<string>;
  listeners: Set<(reason: string) => void>;
}

/**
 * One watch per device, however many models share it: a listener and a `lost` reaction added per
 * load would stay on a shared device for its whole life.
 */
const watches = new WeakMap<GPUDevice, DeviceWatch>();

function watch(device: GPUDevice): DeviceWatch {
  let w = watches.get(device);
  if (w) return w;
  const listeners = new Set<(reason: string) => void>();
  const state: DeviceWatch = {
    listeners,
    lost: device.lost.then((info) => {
      const reason = (state.lostReason = `${info.reason}: ${info.message}`);
      for (const listener of listeners) listener(reason);
      listeners.clear();
      return reason;
    }),
  };
  watches.set(device, (w = state));
  return w;
}

function wrapDevice(device: GPUDevice, adapterName: string, gpu?: GPU, renew?: () => Promise<GpuContext>): GpuContext {
  const w = watch(device);
  return {
    gpu,
    device,
    adapterName,
    hasTimestampQuery: device.features.has('timestamp-query'),
    lost: w.lost,
    lostReason: () => w.lostReason,
    whenLost: (listener) => {
      if (w.lostReason !== undefined) {
        listener(w.lostReason);
        return () => undefined;
      }
      w.listeners.add(listener);
      return () => w.listeners.delete(listener);
    },
    renew,
  };
}

/**
 * After a GPU operation failed: DeviceLostError when the failure came from the device being lost,
 * else undefined. Waits one task when the loss is not known yet, since an operation on a lost device
 * can reject before the device's `lost` promise settles.
 */
export async function lostDeviceError(gpu: GpuContext, cause?: unknown): Promise<DeviceLostError | undefined> {
  if (cause instanceof DeviceLostError) return cause;
  const reason =
    gpu.lostReason() ??
    (await new Promise<string | undefined>((resolve) => {
      const stop = gpu.whenLost(resolve);
      setTimeout(() => {
        stop();
        resolve(undefined);
      }, 0);
    }));
  return reason === undefined ? undefined : new DeviceLostError(reason, !!gpu.renew, { cause });
}
