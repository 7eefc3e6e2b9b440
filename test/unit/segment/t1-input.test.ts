/**
 * What segmentVolume feeds a MeshNet for the whole 256³ T1 (the `npm run validate:segment` case):
 * conform skipped (t1_crop is on FreeSurfer's grid), min–max to [0, 1] in float32, (i, j, k) order.
 * The model's fixture input (a 32³ crop of that T1 at (112, 112, 112), made by NumPy for the Keras
 * reference) must be exactly its crop: then the whole-volume run sees what Keras saw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../src/formats/npy.ts';
import { readNifti } from '../../../src/formats/nifti/index.ts';
import { segmentVolume } from '../../../src/segment/segment.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { thresholdModel } from './threshold-model.ts';

describe('the whole T1 as a MeshNet input', () => {
  it('is exactly the NumPy-scaled volume of the Keras reference (its 32³ crop at 112)', async () => {
    const t1 = readNifti(readFileSync(join(fixturesDir(), 'volumes', 't1_crop.nii.gz')), { name: 't1_crop.nii.gz' });
    const crop = parseNpy(readFileSync(join(fixturesDir(), 'models', 'meshnet-model11_gw_ae-tfjs', 'ref', 'model11_gw_ae.t1cube32.input.npy')));
    const model = thresholdModel();
    let seen: Tensor | undefined;
    const predict = model.predict.bind(model);
    model.predict = async (t) => ((seen = { shape: [...t.shape], data: t.data.slice() }), predict(t));
    const r = await segmentVolume(model, t1, { tile: 256 });
    expect(r.notes).toContain('conform skipped: the volume is already on the model grid');
    expect(seen!.shape).toEqual([1, 256, 256, 256, 1]);
    let differing = 0;
    for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) for (let k = 0; k < 32; k++) {
      if (seen!.data[((112 + i) * 256 + 112 + j) * 256 + 112 + k] !== crop.data[(i * 32 + j) * 32 + k]) differing++;
    }
    expect(differing).toBe(0);
    expect(r.labels.shape).toEqual([256, 256, 256]);
    expect(r.labels.affine).toEqual(t1.affine);
  });
});
