/**
 * Conform and write-back (src/segment/conform.ts) against nibabel + scipy on the 181×217×181 ch2bet
 * volume (not conformed): test/fixtures/segment/ch2bet-conform.json, made by
 * scripts/fixtures/make_conform_refs.py.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../../src/formats/nifti/index.ts';
import { conformGrid, directions, resampleLinear, resampleNearest, sameGrid, type Grid, type Shape3 } from '../../../src/segment/conform.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';

interface Samples {
  index: [number, number, number][];
  value: number[];
}
const ref = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/segment/ch2bet-conform.json'), 'utf8')) as {
  inputShape: Shape3;
  inputAffine: number[][];
  targetAffine: number[][];
  conformed: { sum: number; sumSquares: number; max: number; samples: Samples };
  writeBack: { counts: number[]; samples: Samples };
};

const volume = (name: string) => readNifti(readFileSync(join(fixturesDir(), 'volumes', name)), { name });
const at = (data: Float32Array, shape: Shape3, [i, j, k]: number[]) => data[(i * shape[1] + j) * shape[2] + k];

describe('conform (FastSurfer/FreeSurfer grid: 256³, 1 mm, LIA)', () => {
  const ch2 = volume('ch2bet.nii.gz');
  const input: Grid = { shape: ch2.shape as Shape3, affine: ch2.affine! };
  const target = conformGrid(input);

  it('target affine equals nibabel MGHHeader as conform.py sets it', () => {
    expect(input.shape).toEqual(ref.inputShape);
    // Both are exact small integers and halves here: any difference is a wrong formula.
    expect(target.affine).toEqual(ref.targetAffine);
    expect(target.shape).toEqual([256, 256, 256]);
  });

  it('the conformed volume matches scipy map_coordinates order 1', () => {
    const conformed = resampleLinear(ch2.data, input, target);
    let sum = 0;
    let squares = 0;
    let max = 0;
    for (const v of conformed) {
      sum += v;
      squares += v * v;
      max = Math.max(max, v);
    }
    // float32 storage of values ≤ 255 rounds each by ≤ 255 · 2⁻²⁴ ≈ 1.5e-5; 16.7 M of them sum to
    // a relative error far below 1e-6, while one voxel interpolated wrongly moves the sum more.
    expect(Math.abs(sum - ref.conformed.sum) / ref.conformed.sum).toBeLessThan(1e-6);
    expect(Math.abs(squares - ref.conformed.sumSquares) / ref.conformed.sumSquares).toBeLessThan(1e-6);
    expect(max).toBeCloseTo(ref.conformed.max, 4);
    const s = ref.conformed.samples;
    s.index.forEach((ijk, n) => expect(Math.abs(at(conformed, target.shape, ijk) - s.value[n]), `voxel ${ijk}`).toBeLessThan(1e-4));
  });

  it('write-back: labels on the conformed grid land on the input grid as scipy order 0 puts them', () => {
    const labels = new Float32Array(256 ** 3);
    for (let i = 0, n = 0; i < 256; i++) for (let j = 0; j < 256; j++) for (let k = 0; k < 256; k++, n++) labels[n] = (Math.floor(i / 8) + 3 * Math.floor(j / 8) + 7 * Math.floor(k / 8)) % 5;
    const back = resampleNearest(labels, target, input);
    expect(back.length).toBe(181 * 217 * 181);
    const counts = [0, 0, 0, 0, 0];
    for (const v of back) counts[v]++;
    expect(counts).toEqual(ref.writeBack.counts); // exact: nearest neighbour has no rounding to tolerate
    const s = ref.writeBack.samples;
    s.index.forEach((ijk, n) => expect(at(back, input.shape, ijk), `voxel ${ijk}`).toBe(s.value[n]));
  });

  it('an input already on the grid (t1_crop) conforms to itself, so the pipeline skips resampling', () => {
    const t1 = volume('t1_crop.nii.gz');
    const grid: Grid = { shape: t1.shape as Shape3, affine: t1.affine! };
    expect(sameGrid(conformGrid(grid), grid)).toBe(true);
    expect(sameGrid(conformGrid(input), input)).toBe(false);
  });

  it('resampling onto the same grid returns the data unchanged, both ways', () => {
    const g: Grid = { shape: [3, 4, 5], affine: [[-1, 0, 0, 2], [0, 0, 1.5, -3], [0, -2, 0, 1], [0, 0, 0, 1]] };
    const data = Float32Array.from({ length: 60 }, (_, n) => n * 1.5 - 7);
    expect(resampleLinear(data, g, g)).toEqual(data);
    expect(resampleNearest(data, g, g)).toEqual(data);
  });

  it('orientation codes: LIA is FreeSurfer\'s direction matrix; nonsense is a ShapeError', () => {
    expect(directions('LIA')).toEqual([[-1, 0, 0], [0, 0, 1], [0, -1, 0]]);
    expect(() => directions('LLA')).toThrow(/orientation "LLA"/);
    expect(() => conformGrid(input, { size: 0 })).toThrow(/conform size/);
  });
});
