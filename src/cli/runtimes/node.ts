/**
 * The Node runtime: Dawn (npm `webgpu`) in this process, model files read from disk. Without a
 * system Vulkan driver Dawn runs on SwiftShader (see src/node.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WebGPUUnavailableError } from '../../errors.ts';
import { readMetadataBeside, readModelFiles } from '../../formats/node-files.ts';
import type { LoadedModel as EngineModel } from '../../api.ts';
import { loadModel, nodeGpu } from '../../node.ts';
import { isInstalled, MissingPackageError } from '../optional-package.ts';
import type { Runtime } from './runtime.ts';
import { parseJsonFile } from './files.ts';

export async function openNodeRuntime(): Promise<Runtime> {
  // The Vulkan stack's own stderr messages (see quietVulkan in src/node.ts) are silenced by nodeGpu.
  if (!isInstalled('webgpu')) {
    throw new MissingPackageError('the node runtime needs Dawn: npm install webgpu; or use --runtime chromium after npm install puppeteer');
  }
  checkIcdFiles();
  const gpu = await nodeGpu();
  let model: EngineModel | undefined;
  return {
    name: 'node',
    get adapterName() {
      return model?.adapterName ?? '';
    },
    async load(files, options = {}) {
      const t0 = performance.now();
      const source = await readModelFiles(files.model, { limits: options.limits });
      for (const [name, bytes] of await readMetadataBeside(files.model)) source.files.set(name, bytes);
      const architecture = files.architecture ? parseJsonFile(await readFile(files.architecture), files.architecture, options.limits?.maxConfigDepth) : undefined;
      await model?.dispose();
      try {
        model = await loadModel(source, { gpu, backend: options.backend ?? 'webgpu', architecture, inputShape: options.inputShape, logits: options.logits, limits: options.limits });
      } catch (err) {
        if (err instanceof WebGPUUnavailableError) {
          // acquireGpu's advice is about browsers; under Dawn the cause is the Vulkan driver.
          throw new WebGPUUnavailableError(
            `Dawn has none; check the Vulkan driver or VK_ICD_FILENAMES (now ${process.env.VK_ICD_FILENAMES ?? 'unset'})`,
            { cause: err },
          );
        }
        // The engine knows the files by name (readModelFiles' keys); say the path, as the Chromium runtime does.
        if (err instanceof Error) err.message = err.message.split(`"${basename(files.model)}"`).join(`"${files.model}"`);
        throw err;
      }
      const loaded = model;
      return {
        info: loaded.info,
        loadMs: performance.now() - t0,
        preprocessing: loaded.preprocessing,
        metadata: loaded.metadata,
        backend: loaded.backend,
        backendReason: loaded.backendReason,
      };
    },
    async run(inputs, options = {}) {
      if (!model) throw new Error('no model loaded');
      const t0 = performance.now();
      const outputs = await model.run(inputs, { onProgress: options.onProgress });
      return { outputs, ms: performance.now() - t0 };
    },
    async explain(input, options = {}) {
      if (!model) throw new Error('no model loaded');
      const t0 = performance.now();
      const e = await model.explain(input, options);
      return { ...e, ms: performance.now() - t0 };
    },
    async close() {
      const m = model;
      model = undefined;
      await m?.dispose();
    },
  };
}

/**
 * Dawn prints Vulkan warnings on stderr before it reports no adapter; when VK_ICD_FILENAMES names
 * only missing files the outcome is certain, so say so first, in one line.
 */
function checkIcdFiles(): void {
  const icds = process.env.VK_ICD_FILENAMES;
  if (!icds) return;
  const listed = icds.split(':').filter(Boolean);
  if (listed.length > 0 && !listed.some((p) => existsSync(p))) {
    throw new WebGPUUnavailableError(`Dawn has no Vulkan driver: VK_ICD_FILENAMES names only missing files (${icds})`);
  }
}
