/**
 * Node entry point: registers the WGSL shaders from disk and offers the Dawn WebGPU implementation
 * (npm `webgpu`) as the GPU. On machines without a GPU driver, Dawn can run on SwiftShader: set
 * VK_ICD_FILENAMES to its ICD (Debian's chromium ships /usr/lib/chromium/vk_swiftshader_icd.json).
 */
import './gpu/shaders-node.ts';
import { existsSync } from 'node:fs';
import { WebGPUUnavailableError } from './errors.ts';

export * from './api.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The `GPU` object of Dawn for Node; pass it as `loadModel(src, { gpu: await nodeGpu() })`. */
export async function nodeGpu(): Promise<GPU> {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // No system Vulkan driver is the common case on CI machines: fall back to SwiftShader.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (cause) {
    throw new WebGPUUnavailableError(`Dawn for Node (npm "webgpu") could not be loaded: ${String(cause)}`, { cause });
  }
  Object.assign(globalThis, mod.globals);
  return mod.create([]);
}
