/**
 * The NIfTI-1 writer (src/formats/nifti/write.ts): read back by our reader, and by nibabel (what
 * nibabel read from the same bytes is committed: scripts/fixtures/make_nifti_write_refs.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NiftiFormatError } from '../../../src/errors.ts';
import { readNifti } from '../../../src/formats/nifti/index.ts';
import { writeNifti } from '../../../src/formats/nifti/write.ts';
import { samples, WRITTEN } from '../../../scripts/fixtures/nifti-write-samples.ts';

const nibabel = JSON.parse(readFileSync(join(WRITTEN, 'nibabel-read.json'), 'utf8')) as Record<string, {
  shape: number[]; dtype: string; data: number[]; affine: number[][]; sform: number[][] | null; sformCode: number; qform: number[][] | null; qformCode: number;
}>;

/** Largest |a − b| over two 4×4 matrices. */
const gap = (a: number[][], b: readonly (readonly number[])[]) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i][j]))));

describe('writeNifti', () => {
  for (const s of samples()) {
    describe(s.file, () => {
      const bytes = writeNifti(s.data, s.shape, s.affine, s.options);

      it('writes the very bytes nibabel read (the committed file)', () => {
        expect(Buffer.from(bytes).equals(readFileSync(join(WRITTEN, s.file)))).toBe(true);
      });

      it('nibabel reads the values, shape, dtype and affine back', () => {
        const n = nibabel[s.file];
        expect(n.shape).toEqual(s.shape);
        expect(n.dtype).toBe(s.options.datatype);
        expect(n.data).toEqual(Array.from(s.data)); // exact: integers, or float32 stored as float32
        // The header holds float32: the affine comes back within float32 rounding of its entries (≤ 30 here).
        expect(gap(n.affine, s.affine)).toBeLessThan(1e-5);
        expect(n.sformCode).toBe(s.options.sformCode ?? 1);
        // The qform, where representable, is the same geometry (quaternion of float32 values: ~1e-6).
        if (s.file.startsWith('shear')) expect([n.qform, n.qformCode]).toEqual([null, 0]);
        else expect(gap(n.qform!, s.affine)).toBeLessThan(1e-5);
      });

      it('our reader reads it back, plain and gzipped', () => {
        for (const gzip of [false, true]) {
          const image = readNifti(writeNifti(s.data, s.shape, s.affine, { ...s.options, gzip }));
          expect(image.shape).toEqual(s.shape);
          expect(image.data).toEqual(s.data);
          expect(gap(image.affine!, s.affine)).toBeLessThan(1e-5);
          expect([image.header.affineFrom, image.header.xformCode]).toEqual(['sform', s.options.sformCode ?? 1]);
        }
      });
    });
  }

  it('refuses values the integer type cannot hold, and bad shapes, with NiftiFormatError', () => {
    const affine = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    expect(() => writeNifti(Float32Array.of(1, 256), [2, 1, 1], affine, { datatype: 'uint8', name: 'labels.nii' })).toThrow(/labels\.nii: value 256 at voxel \(1, 0, 0\) does not fit uint8/);
    expect(() => writeNifti(Float32Array.of(1.5), [1, 1, 1], affine, { datatype: 'int16' })).toThrow(NiftiFormatError);
    expect(() => writeNifti(new Float32Array(4), [2, 2], affine)).toThrow(/3 to 7 axes/);
    expect(() => writeNifti(new Float32Array(3), [2, 2, 1], affine)).toThrow(/3 values for shape 2×2×1/);
    expect(() => writeNifti(new Float32Array(1), [1, 1, 1], [[1, 0, 0, NaN], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])).toThrow(/finite 4×4/);
  });
});
