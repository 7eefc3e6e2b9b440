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
/** A PNG as intensities in its own units (16-bit: 0..65535); loadImage reads PNGs with it too. */
export { readPng } from './runtime/png16.ts';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * What the Vulkan stack prints on stderr by itself, silenced where it is noise (a script's, or mi's
 * one line of errors, gets extra lines otherwise). Each is set only when the user has not set it.
 * - Mesa's device-select layer (an implicit layer, loaded into every Vulkan app) asks Wayland/X11
 *   for the default GPU and prints "error: XDG_RUNTIME_DIR is invalid or not set" without a
 *   display. Dawn picks its adapter itself, so the layer is off (NODEVICE_SELECT=1), and
 *   XDG_RUNTIME_DIR, when unset or empty, names a folder that exists.
 * - Lavapipe (Mesa's CPU driver) cannot be a Dawn adapter (it lacks
 *   shaderUniform*ArrayDynamicIndexing) and Dawn prints a three-line "Warning: ..." each time it
 *   looks at it; the loader skips it (VK_LOADER_DRIVERS_DISABLE), losing nothing.
 */
function quietVulkan(): void {
  const env = process.env;
  if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = tmpdir();
  env.NODEVICE_SELECT ??= '1';
  env.VK_LOADER_DRIVERS_DISABLE ??= '*lvp_icd*';
}

/** The `GPU` object of Dawn for Node; pass it as `loadModel(src, { gpu: await nodeGpu() })`. */
export async function nodeGpu(): Promise<GPU> {
  quietVulkan();
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
