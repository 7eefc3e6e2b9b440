/// <reference types="@webgpu/types" />
/**
 * Node entry point: registers the WGSL shaders from disk and offers the Dawn WebGPU implementation
 * (npm `webgpu`) as the GPU. On machines without a GPU driver, Dawn can run on SwiftShader: set
 * VK_ICD_FILENAMES to its ICD (Debian's chromium ships /usr/lib/chromium/vk_swiftshader_icd.json).
 */
import './gpu/shaders-node.ts';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { WebGPUUnavailableError } from './errors.ts';

export * from './api.ts';
/** Model files from disk (`readModelFiles('model.json')` adds its shards) as a source for `loadModel`. */
export { readModelFiles } from './formats/node-files.ts';
/** PNG/JPEG bytes to pixels for `model.predictImage`, with TensorFlow's decode conventions (no DOM needed). */
export { decodeImage, type DecodedImage } from './runtime/image-decode.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The `GPU` object of Dawn for Node; pass it as `loadModel(src, { gpu: await nodeGpu() })`. */
export async function nodeGpu(): Promise<GPU> {
  // The Vulkan loader prints "XDG_RUNTIME_DIR is invalid" on stderr when it is unset (containers, CI):
  // noise in every script's output, and harmless to give it a folder that exists.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // No system Vulkan driver is the common case on CI machines: fall back to SwiftShader.
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND';
    throw new WebGPUUnavailableError(
      missing
        ? 'Dawn for Node is not installed: npm install webgpu (an optional peer of medimg-webgpu)'
        : `Dawn for Node (npm "webgpu") could not be loaded: ${String(cause)}`,
      { cause },
    );
  }
  Object.assign(globalThis, mod.globals);
  return mod.create([]);
}
