/**
 * estimateSegmentation (src/segment/estimate.ts) plans the tiles segmentVolume will run and times
 * a probe: its tile count must equal the real run's predict calls, with and without the head crop.
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
      const probed = thresholdModel();
      const estimate = await estimateSegmentation(probed, scan(), options);
      expect(probed.calls).toBe(2);
      const model = thresholdModel();
      await segmentVolume(model, scan(), options);
      expect(estimate.tiles).toBe(model.calls);
      if (crop) expect(estimate.shape.every((s) => s < 48)).toBe(true);
      else expect(estimate.shape).toEqual([48, 48, 48]);
      expect(estimate.tile).toEqual(estimate.shape.map((s) => Math.min(s, 16)));
      // No receptive field: the tiles just cover the box, ⌈size / tile⌉ per axis.
      expect(estimate.tiles).toBe(estimate.shape.reduce((n, s, a) => n * Math.ceil(s / estimate.tile[a]), 1));
      expect(estimate.conformSeconds).toBeGreaterThan(0); // RAS at 1.5 mm is not on the LIA grid: it is conformed
      // The probe is the tile (≤ 64³ here), run twice: once to set up, once timed.
      expect(estimate.probe.size).toEqual(estimate.tile);
      expect(estimate.secondsPerTile).toBeCloseTo(estimate.probe.seconds, 9);
      expect(estimate.seconds).toBeCloseTo(2 * estimate.conformSeconds + estimate.tiles * estimate.secondsPerTile, 9);
    });
  }
});

describe('estimateSegmentation on tiles larger than the probe', () => {
  it('times a 64³ probe and scales it by the tile\'s voxels', async () => {
    const image = { ...scan(), shape: [40, 44, 36] };
    const estimate = await estimateSegmentation(thresholdModel(), image, { conform: { size: 96, voxelSize: 1 }, tile: 80 });
    expect(estimate.tile).toEqual([80, 80, 80]);
    expect(estimate.tiles).toBe(8);
    expect(estimate.probe.size).toEqual([64, 64, 64]);
    expect(estimate.secondsPerTile).toBeCloseTo((estimate.probe.seconds * 80 ** 3) / 64 ** 3, 9);
  });
});
