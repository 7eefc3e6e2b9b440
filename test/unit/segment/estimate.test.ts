/**
 * estimateSegmentation (src/segment/estimate.ts) plans the tiles segmentVolume will run and times
 * one: its tile count must equal the real run's predict calls, with and without the head crop.
 */
import { describe, expect, it } from 'vitest';
import type { MedicalImage } from '../../../src/formats/medical/types.ts';
import { estimateSegmentation } from '../../../src/segment/estimate.ts';
import { segmentVolume } from '../../../src/segment/segment.ts';
import { thresholdModel } from './threshold-model.ts';

/** 40×44×36 voxels of 1.5 mm, a bright box in a dark field (the crop keeps the box). */
function scan(): MedicalImage {
  const shape = [40, 44, 36];
  const data = new Float32Array(40 * 44 * 36);
  for (let i = 0, n = 0; i < 40; i++) for (let j = 0; j < 44; j++) for (let k = 0; k < 36; k++, n++) {
    data[n] = i > 10 && i < 30 && j > 8 && j < 30 && k > 5 && k < 20 ? 100 : 0;
  }
  return { format: 'nifti', name: 'scan.nii', data, shape, channels: 1, affine: [[1.5, 0, 0, 0], [0, 1.5, 0, 0], [0, 0, 1.5, 0], [0, 0, 0, 1]], description: 'test' };
}

describe('estimateSegmentation', () => {
  for (const crop of [false, true]) {
    it(`counts the tiles the run makes${crop ? ', cropped to the head' : ''}, and times one`, async () => {
      const options = { conform: { size: 48, voxelSize: 1.5 }, tile: 16, crop };
      const estimate = await estimateSegmentation(thresholdModel(), scan(), options);
      const model = thresholdModel();
      await segmentVolume(model, scan(), options);
      expect(estimate.tiles).toBe(model.calls);
      if (crop) expect(estimate.shape.every((s) => s < 48)).toBe(true);
      else expect(estimate.shape).toEqual([48, 48, 48]);
      expect(estimate.tile).toEqual(estimate.shape.map((s) => Math.min(s, 16)));
      // No receptive field: the tiles just cover the box, ⌈size / tile⌉ per axis.
      expect(estimate.tiles).toBe(estimate.shape.reduce((n, s, a) => n * Math.ceil(s / estimate.tile[a]), 1));
      expect(estimate.conformSeconds).toBeGreaterThan(0); // RAS at 1.5 mm is not on the LIA grid: it is conformed
      expect(estimate.seconds).toBeCloseTo(2 * estimate.conformSeconds + estimate.tiles * estimate.secondsPerTile, 9);
    });
  }
});
