/**
 * predictImage takes a MedicalImage (loadImage's result) on both backends, in Chromium: a DICOM on
 * the bundled malaria CNN gives exactly what its windowed pixels give (toModelImage with the model's
 * resolved window), a window option reaches it, and a NIfTI volume on a 3-D MeshNet equals predict()
 * on the tensor built by hand (test/browser/medical-predict.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MedicalReport } from '../browser/medical-predict.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/medical-predict.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

const MODEL = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));
const CT = fileUrl(join(repoRoot, 'test/fixtures/dicom/ct_signed16.dcm'));

describe('predictImage with a MedicalImage', () => {
  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`${backend}: a DICOM equals its windowed pixels; a window option is applied`, async () => {
      const r = await call<MedicalReport>('classifyDicom', MODEL, CT, backend);
      expect(r.backend).toBe(backend);
      expect(r.imageShape).toEqual([64, 64]);
      expect(r.preprocessShape).toEqual([1, 64, 64, 3]);
      // The same pixels reach the same kernel (or CPU recipe) either way: identical.
      expect(r.preprocessDiff).toBe(0);
      expect(r.predictDiff).toBe(0);
      expect(r.optionWindowDiff).toBe(0);
      // The lung window moves the input by a lot (values 0..255).
      expect(r.optionWindowMoved).toBeGreaterThan(10);
    });
  }

  it('a NIfTI volume on a 3-D MeshNet equals predict() on the tensor built by hand', async () => {
    const model = fileUrl(join(fixturesDir(), 'models/meshnet-model5_gw_ae-tfjs/model.json'));
    const nii = fileUrl(join(repoRoot, 'test/fixtures/nifti/tiny/scl_int16.nii'));
    const r = await call<{ shape: number[]; diff: number }>('segmentNifti', model, nii, 'webgpu');
    expect(r.shape).toEqual([1, 5, 4, 3, 3]);
    expect(r.diff).toBe(0);
  });
});
