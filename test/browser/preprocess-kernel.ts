/**
 * Runs inside the test page: the GPU preprocessing kernel on seeded synthetic images (see
 * preprocess-cases.ts), through the same Preprocessor that Model.predictImage uses.
 */
import '../../src/index.ts';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { Preprocessor } from '../../src/runtime/preprocess.ts';
import type { PreprocessSpec } from '../../src/runtime/preprocess-spec.ts';
import type { PixelImage } from '../../src/runtime/preprocess-options.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';
import { casePixels, type ImageCase } from './preprocess-cases.ts';

let gpu: Promise<GpuContext> | undefined;
let pre: Preprocessor | undefined;

export interface GpuPreprocessResult {
  output: WireTensor;
  /** Buffers and textures the preprocessor held before and after this call. */
  objectsBefore: number;
  objectsAfter: number;
}

/**
 * Preprocesses one batch on the GPU; the same Preprocessor serves every call, as a model's does.
 * Images are seeded cases, or explicit RGB byte lists (`{ width, height, rgb }`).
 */
export async function preprocessCasesOnGpu(
  cases: (ImageCase | { width: number; height: number; rgb: number[] })[],
  spec: PreprocessSpec,
): Promise<GpuPreprocessResult> {
  gpu ??= acquireGpu();
  pre ??= new Preprocessor(await gpu);
  const images = cases.map((c): PixelImage => ('rgb' in c ? { width: c.width, height: c.height, channels: 3, data: Uint8Array.from(c.rgb) } : casePixels(c)));
  const objectsBefore = pre.gpuObjectCount;
  const output = toWire(await pre.run(pre.sources(images), spec));
  return { output, objectsBefore, objectsAfter: pre.gpuObjectCount };
}
