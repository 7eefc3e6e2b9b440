/**
 * GPU image preprocessing (shaders/preprocess.wgsl) against its CPU reference
 * (src/reference/preprocess.ts: TF's half-pixel bilinear / nearest resize, rgb_to_grayscale before
 * resizing, scale/offset/mean/std), per pixel within 1e-5, on awkward sizes (1×1, odd, > 2×
 * downscaling, same size), both resize methods, grey and RGB, byte and float pixels, and batches of
 * images of different sizes, with pixels as PixelImages (the storage-buffer entry point). Then real
 * malaria-cell PNGs decoded by the browser (the texture entry point) vs the CPU reference on
 * image-decode.ts pixels and vs real TensorFlow's model input, and predictImage end to end vs real Keras.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromWire, type WireTensor } from '../../../src/cli/wire.ts';
import { parseNpy } from '../../../src/formats/npy.ts';
import { decodeImage } from '../../../src/runtime/image-decode.ts';
import { preprocessReference, rgbToGreyU8 } from '../../../src/reference/preprocess.ts';
import { GREY_WEIGHTS, resolvePreprocess, type PreprocessSpec } from '../../../src/runtime/preprocess-spec.ts';
import type { PixelImage, PreprocessOptions } from '../../../src/runtime/preprocess-options.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { fileUrl, gpuPage } from '../../util/gpu.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import { MALARIA_MODEL, malariaRefs } from '../../util/malaria.ts';
import { casePixels, type ImageCase } from '../../browser/preprocess-cases.ts';
import type { GpuPreprocessResult } from '../../browser/preprocess-kernel.ts';
import type { GpuCalls } from '../../browser/preprocess-malaria.ts';

const TOL = { atol: 1e-5, rtol: 0 };
type Input = ImageCase | { width: number; height: number; rgb: number[] };

async function onGpu(cases: Input[], spec: PreprocessSpec): Promise<GpuPreprocessResult> {
  const page = await gpuPage();
  // A string, so vitest's transform does not rewrite the page-side dynamic import.
  return (await page.evaluate(
    `import('/test/browser/preprocess-kernel.ts').then((m) => m.preprocessCasesOnGpu(${JSON.stringify(cases)}, ${JSON.stringify(spec)}))`,
  )) as GpuPreprocessResult;
}

const pixelsOf = (c: Input): PixelImage =>
  'rgb' in c ? { width: c.width, height: c.height, channels: 3, data: Uint8Array.from(c.rgb) } : casePixels(c);

async function check(label: string, cases: Input[], options: PreprocessOptions): Promise<GpuPreprocessResult> {
  const spec = resolvePreprocess(options, undefined);
  const expected = preprocessReference(cases.map(pixelsOf), spec);
  const result = await onGpu(cases, spec);
  const stats = expectTensorsClose(fromWire(result.output), expected, TOL, label);
  console.log(`preprocess ${label}: max |GPU − CPU| ${stats.maxAbs.toExponential(2)}`);
  return result;
}

const img = (width: number, height: number, channels: 1 | 3 | 4, seed: number, float = false): ImageCase => ({ width, height, channels, seed, float });
const size = (height: number, width: number, channels: 1 | 3 = 3) => ({ height, width, channels });
const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

describe('GPU preprocessing vs the CPU reference (≤ 1e-5 per pixel)', () => {
  it('bilinear: 1×1, 37×53 and 224×224 (same size) → 224×224; 300×200 → 64×64 (> 2× down, skips pixels)', async () => {
    await check('1x1->224 bilinear', [img(1, 1, 3, 2)], size(224, 224));
    await check('37x53->224 bilinear', [img(53, 37, 3, 1)], size(224, 224));
    await check('224->224 bilinear', [img(224, 224, 3, 3)], size(224, 224));
    await check('300x200->64 bilinear', [img(200, 300, 3, 4)], size(64, 64));
    await check('7x5->3x11 bilinear (down in y, up in x)', [img(5, 7, 3, 5)], size(3, 11));
  });

  it('nearest: the same sizes', async () => {
    await check('1x1->224 nearest', [img(1, 1, 3, 2)], { ...size(224, 224), resize: 'nearest' });
    await check('37x53->224 nearest', [img(53, 37, 3, 1)], { ...size(224, 224), resize: 'nearest' });
    await check('300x200->64 nearest', [img(200, 300, 3, 4)], { ...size(64, 64), resize: 'nearest' });
    await check('40x50 same nearest', [img(50, 40, 3, 6)], { ...size(40, 50), resize: 'nearest' });
  });

  it('channels: RGB → grey (rgb_to_grayscale before resizing), grey → grey, grey → RGB, RGBA → RGB, float pixels', async () => {
    await check('RGB 37x53 -> grey 64', [img(53, 37, 3, 7)], size(64, 64, 1));
    await check('RGBA 300x200 -> grey 64 nearest', [img(200, 300, 4, 8)], { ...size(64, 64, 1), resize: 'nearest' });
    await check('grey 37x53 -> grey 28', [img(53, 37, 1, 9)], size(28, 28, 1));
    await check('grey 37x53 -> RGB 64', [img(53, 37, 1, 10)], size(64, 64));
    await check('RGBA 31x17 -> RGB 64', [img(17, 31, 4, 11)], size(64, 64));
    await check('float RGB 37x53 -> RGB 96', [img(53, 37, 3, 12, true)], size(96, 96));
    await check('float RGB 37x53 -> grey 96', [img(53, 37, 3, 13, true)], size(96, 96, 1));
  });

  it('grey of the colours whose level a fused multiply-add would change (the table keeps them exact)', async () => {
    // The colours where rgb_to_grayscale's uint8 result differs between plain float32 and an FMA
    // evaluation of the dot product: where a GPU that fuses would be off by a whole level.
    const f = Math.fround;
    const inv = f(1 / 255);
    const [wr, wg, wb] = GREY_WEIGHTS.map(f);
    const rgb: number[] = [];
    for (let r = 0; r < 256; r++) {
      const pr = f(r * inv) * wr;
      for (let g = 0; g < 256; g++) {
        const sumRG = f(pr + f(g * inv) * wg);
        for (let b = 0; b < 256; b++) {
          const fused = Math.trunc(f(f(sumRG + f(b * inv) * wb) * f(255.5)));
          if (fused !== rgbToGreyU8(r, g, b)) rgb.push(r, g, b);
        }
      }
    }
    expect(rgb.length).toBeGreaterThan(0);
    const n = rgb.length / 3;
    await check(`${n} FMA-sensitive colours -> grey, same size`, [{ width: n, height: 1, rgb }], size(1, n, 1));
  });

  it('scale/offset/mean/std: ImageNet mean/std, MobileNet [-1, 1], a single grey mean/std', async () => {
    await check('imagenet 37x53->224', [img(53, 37, 3, 14)], { ...size(224, 224), ...IMAGENET });
    await check('mobilenet 300x200->64', [img(200, 300, 3, 15)], { ...size(64, 64), scale: 1 / 127.5, offset: -1 });
    await check('grey mean/std 37x53->28', [img(53, 37, 3, 16)], { ...size(28, 28, 1), scale: 1, mean: [127], std: [64] });
  });

  it('batches of images of different sizes (and two of the same size); a repeat allocates nothing', async () => {
    const batch = [img(53, 37, 3, 17), img(200, 300, 3, 18), img(53, 37, 3, 19), img(1, 1, 1, 20)];
    await check('batch 2 different sizes -> 64', batch.slice(0, 2), size(64, 64));
    const first = await check('batch 4 mixed -> 64', batch, size(64, 64));
    // Same sizes, new pixels: only writes, no new buffers or textures.
    const again = await check('batch 4 mixed -> 64, new pixels', batch.map((c) => ({ ...c, seed: c.seed + 100 })), size(64, 64));
    expect(again.objectsAfter).toBe(again.objectsBefore);
    expect(again.objectsAfter).toBe(first.objectsAfter);
  });
});

describe('real PNGs decoded by the browser (ImageBitmap → texture) and the malaria model', () => {
  const index = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/malaria-preproc/index.json'), 'utf8')) as {
    items: { file: string; path: string }[];
  };
  const pngs = index.items.map((item) => join(fixturesDir(), item.path));
  const callPage = async (fn: string, urls: string[]): Promise<unknown> => {
    const page = await gpuPage();
    const args = [fileUrl(MALARIA_MODEL()), urls.map(fileUrl)].map((a) => JSON.stringify(a)).join(', ');
    return page.evaluate(`import('/test/browser/preprocess-malaria.ts').then((m) => m.${fn}(${args}))`);
  };
  afterAll(async () => {
    const page = await gpuPage();
    await page.evaluate(`import('/test/browser/preprocess-malaria.ts').then((m) => m.disposeModels())`);
  });

  it('the GPU input equals the CPU reference on image-decode.ts pixels and real TensorFlow (≤ 1e-5)', async () => {
    const gpu = fromWire((await callPage('preprocessPngs', pngs)) as WireTensor);
    const spec = resolvePreprocess({}, [null, 224, 224, 3]);
    const decoded = pngs.map((p): PixelImage => decodeImage(readFileSync(p), { channels: 3, name: p }));
    const cpu = preprocessReference(decoded, spec);
    const vsCpu = expectTensorsClose(gpu, cpu, TOL, 'browser-decoded PNGs on the GPU vs CPU reference');
    const tf = index.items.map((item) => parseNpy(readFileSync(join(repoRoot, 'test/fixtures/malaria-preproc', item.file))));
    const tfBatch = { shape: [tf.length, ...tf[0].shape.slice(1)], data: Float32Array.from(tf.flatMap((t) => [...t.data])) };
    const vsTf = expectTensorsClose(gpu, tfBatch, TOL, 'GPU preprocessing vs TensorFlow');
    console.log(`malaria PNGs: max |GPU − CPU reference| ${vsCpu.maxAbs.toExponential(2)}, max |GPU − TF| ${vsTf.maxAbs.toExponential(2)}`);
  });

  it('predictImage of two cells matches the real-Keras logits (≤ 1e-4), in one submit, and a repeat creates nothing', async () => {
    const refs = new Map(malariaRefs().map((r) => [r.path, r.logit]));
    const result = (await callPage('predictPngs', pngs)) as { logits: WireTensor[]; calls: GpuCalls[] };
    const expected = { shape: [pngs.length, 1], data: Float32Array.from(index.items.map((item) => refs.get(item.path)!)) };
    result.logits.map(fromWire).forEach((logits, run) => {
      const stats = expectTensorsClose(logits, expected, { atol: 1e-4, rtol: 0 }, `predictImage logits vs Keras, run ${run + 1}`);
      console.log(`malaria predictImage run ${run + 1}: logits ${[...logits.data].map((x) => x.toFixed(5)).join(', ')}; max |error| ${stats.maxAbs.toExponential(2)}`);
    });
    expect(result.calls.map((c) => c.submits)).toEqual([1, 1]);
    expect(result.calls[1].creates).toBe(0);
  });
});

describe('under Node with Dawn (no DOM): PixelImages through predictImage', () => {
  it('grey 27×29 bytes and RGB 40×30 floats into the pneumonia model (150×150×3): input ≤ 1e-5 vs reference, logits ≤ 1e-4 vs predict', async () => {
    const { loadModel, nodeGpu } = await import('../../../src/node.ts');
    const { readModelFiles } = await import('../../../src/formats/node-files.ts');
    const file = join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/pneumonia_model.h5');
    // Dawn first: created after the .h5 is read, it crashed this process (a futex error) in our sandbox.
    const gpu = await nodeGpu();
    const model = await loadModel(await readModelFiles(file), { gpu, backend: 'webgpu', logits: true });
    try {
      // 27·29 = 783 bytes: not a multiple of 4, so the padded upload is exercised too.
      const images = [casePixels(img(29, 27, 1, 21)), casePixels(img(40, 30, 3, 22, true))];
      const spec = resolvePreprocess({}, model.info.inputs[0].shape);
      const expectedInput = preprocessReference(images, spec);
      const input = await model.preprocess(images);
      const inStats = expectTensorsClose(input, expectedInput, TOL, 'Dawn preprocess vs CPU reference');
      const logits = await model.predictImage(images);
      const expected = await model.predict(expectedInput);
      const outStats = expectTensorsClose(logits, expected, { atol: 1e-4, rtol: 0 }, 'Dawn predictImage vs predict(reference input)');
      console.log(`Dawn: input max |error| ${inStats.maxAbs.toExponential(2)}, logits max |error| ${outStats.maxAbs.toExponential(2)}`);
    } finally {
      await model.dispose();
    }
  });
});
