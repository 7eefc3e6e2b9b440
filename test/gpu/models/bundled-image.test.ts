/**
 * The bundled malaria CNN classifies real cell PNGs through Model.predictImage with no options as
 * real Keras does (weights/malaria-cnn/ref: tf.io.decode_png → tf.image.resize bilinear → raw
 * 0..255 pixels into a model whose first layer is Rescaling(1/255)). Whatever tells the engine
 * "raw pixels" (metadata.json beside the model, or the Rescaling layer when there is no metadata),
 * the outputs are Keras' within 1e-4; a second division by 255 would put every cell near 0.82. The
 * same on WebAssembly, whose preprocessing is the CPU recipe of the GPU kernel (runtime/preprocess-cpu.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromWire, type WireTensor } from '../../../src/cli/wire.ts';
import { parseNpy } from '../../../src/formats/npy.ts';
import type { ModelPreprocessing } from '../../../src/runtime/preprocess-resolve.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import { fileUrl, gpuPage } from '../../util/gpu.ts';
import { BACKENDS, type TestBackend } from '../../util/backends.ts';

const dir = join(repoRoot, 'weights/malaria-cnn');
const cells = JSON.parse(readFileSync(join(dir, 'ref/test-cells.json'), 'utf8')).test8.paths as string[];
const expected = parseNpy(readFileSync(join(dir, 'ref/test8.output.npy')));

type Result = { output: WireTensor; preprocessing: ModelPreprocessing; metadataLabels?: string[]; backend: string };

async function predict(file: string, opts: { asFile?: boolean; metadata?: false; backend: TestBackend }): Promise<Result> {
  const page = await gpuPage();
  const args = [fileUrl(join(dir, file)), cells.map((c) => fileUrl(join(fixturesDir(), c))), opts].map((a) => JSON.stringify(a)).join(', ');
  // A string, so vitest's transform does not rewrite the page-side dynamic import.
  return (await page.evaluate(`import('/test/browser/predict-image.ts').then((m) => m.predictWithoutOptions(${args}))`)) as Result;
}

describe.each(BACKENDS)('bundled malaria-cnn: predictImage with no options equals real Keras on 8 held-out cells, on %s', (backend) => {
  it.each([
    ['model.json by URL: metadata.json beside it says scale 1', 'model.json', {}, 'metadata'],
    ['model.keras by URL, metadata off: the Rescaling layer says raw pixels', 'model.keras', { metadata: false as const }, 'graph'],
    ['model.keras as a lone File (what a user drops): the Rescaling layer', 'model.keras', { asFile: true }, 'graph'],
  ])('%s', async (_, file, opts, source) => {
    const r = await predict(file, { ...opts, backend });
    expect(r.backend, 'model.backend').toBe(backend);
    expect(r.preprocessing.sources.scale).toBe(source);
    expect(r.preprocessing.options).toMatchObject({ scale: 1, offset: 0, height: 64, width: 64, channels: 3, resize: 'bilinear' });
    expect(r.preprocessing.usedDefault).toBe(false);
    if (source === 'metadata') expect(r.metadataLabels).toEqual(['Parasitized', 'Uninfected']);
    const out = fromWire(r.output);
    const stats = expectTensorsClose(out, expected, { atol: 1e-4, rtol: 0 }, `${file} predictImage vs Keras`);
    console.log(`${backend} malaria-cnn ${file} predictImage (${source}): ${[...out.data].map((p) => p.toFixed(5)).join(', ')}; max |error| ${stats.maxAbs.toExponential(2)}`);
    for (let i = 0; i < expected.data.length; i++) expect(out.data[i] > 0.5).toBe(expected.data[i] > 0.5);
  });
});
