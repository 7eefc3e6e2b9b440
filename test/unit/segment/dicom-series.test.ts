/**
 * A DICOM series through segmentation: its affine (from the reader: positions, orientation, spacing,
 * LPS → RAS), labels back on its own [slice, row, col] grid, and the series faults a segmentation
 * must not run on: a missing slice (an uneven step) and a duplicated one (refused by the reader).
 * Positions and cosines below are the shared brain series' own, as pydicom reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DicomFormatError } from '../../../src/errors.ts';
import { readDicomSeries } from '../../../src/formats/dicom/index.ts';
import { segmentVolume } from '../../../src/segment/segment.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { thresholdModel } from './threshold-model.ts';

const DIR = join(fixturesDir(), 'dicom', 'brain-series');
const files = () => readdirSync(DIR).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ name: join(DIR, f), bytes: new Uint8Array(readFileSync(join(DIR, f))) }));
const apply = (a: number[][], p: number[]) => [0, 1, 2].map((r) => a[r][0] * p[0] + a[r][1] * p[1] + a[r][2] * p[2] + a[r][3]);

describe('segmenting a DICOM series', () => {
  it('the series has a RAS affine: first slice at its position, last within the mean step\'s rounding', async () => {
    const image = await readDicomSeries(files());
    const a = image.affine!;
    // pydicom: first position (LPS) (-110.5, -78.3063, -72.7575), last (-110.5, -96.2063, 59.0425).
    apply(a, [0, 0, 0]).forEach((v, i) => expect(v).toBeCloseTo([110.5, 78.3063, -72.7575][i], 4));
    // The slice step is the mean (steps vary 6.958..7.071 mm): the last slice lands within 0.1 mm.
    apply(a, [19, 0, 0]).forEach((v, i) => expect(Math.abs(v - [110.5, 96.2063, 59.0425][i])).toBeLessThan(0.1));
    // Along a row (column index): the row cosine (1, 0, 0) × 0.859375 mm, x negated for RAS.
    expect([a[0][2], a[1][2], a[2][2]].map((v) => v + 0)).toEqual([-0.859375, 0, 0]); // + 0: no -0
  });

  it('labels come back on the series\' own grid, with its affine', async () => {
    const image = await readDicomSeries(files());
    const r = await segmentVolume(thresholdModel(), image, { conform: { size: 64, voxelSize: 4 } });
    expect(r.labels.shape).toEqual([20, 256, 256]);
    expect(r.labels.affine).toEqual(image.affine);
    expect(r.volumes[1].voxels).toBeGreaterThan(0);
    // 0.859375² × 7.0005 mm³ per voxel.
    expect(r.volumes[1].mm3 / r.volumes[1].voxels).toBeCloseTo(0.859375 ** 2 * 7.0005, 3);
    expect(r.notes.some((n) => n.startsWith('uneven slice spacing'))).toBe(true); // 1 % jitter: noted, accepted
  });

  it('a missing slice is a DicomFormatError; a duplicated one the reader refuses', async () => {
    const all = files();
    const missing = await readDicomSeries([...all.slice(0, 9), ...all.slice(10)]);
    await expect(segmentVolume(thresholdModel(), missing)).rejects.toThrow(DicomFormatError);
    await expect(segmentVolume(thresholdModel(), missing)).rejects.toThrow(/A slice is missing or misplaced/);
    await expect(readDicomSeries([...all, { name: 'copy_of_brain_005.dcm', bytes: all[4].bytes }])).rejects.toThrow(/same position/);
  });
});
