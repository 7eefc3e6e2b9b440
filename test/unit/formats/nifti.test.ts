/**
 * The NIfTI reader against nibabel 5 (references by scripts/fixtures/make_nifti_refs.py): the shared
 * volumes (shape, affine, sums, sampled voxels, a block of a slice, every k-slice's sum) and small
 * files covering each datatype, scaling, NIfTI-2, big-endian, 4-D, qform-only and no-transform
 * headers, plus malformed files that must fail with a typed error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LimitError, NiftiFormatError } from '../../../src/errors.ts';
import { isNifti, readNifti } from '../../../src/formats/nifti/index.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';

const NIFTI = join(repoRoot, 'test', 'fixtures', 'nifti');
const tiny = JSON.parse(readFileSync(join(NIFTI, 'tiny-refs.json'), 'utf8')) as {
  files: Record<string, { shape: number[]; dtype: string; affine: number[][]; data: number[] }>;
  malformed: Record<string, 'truncated' | 'magic' | 'sizeof_hdr' | 'limit' | 'dims' | 'datatype' | 'ok'>;
  malformed_base_data: number[];
};
const shared = JSON.parse(readFileSync(join(NIFTI, 'shared-refs.json'), 'utf8')) as Record<
  string,
  {
    file: string;
    shape: number[];
    affine: number[][];
    sum: number;
    min: number;
    max: number;
    sliceSumsK: number[];
    samples: { index: number[][]; value: number[] };
    block: { origin: number[]; size: number[]; value: number[][] };
  }
>;
const readTiny = (name: string) => readNifti(readFileSync(join(NIFTI, 'tiny', name)), { name });

/** Flat C-order index of `idx` in `shape`. */
const flat = (shape: number[], idx: number[]) => idx.reduce((acc, v, i) => acc * shape[i] + v, 0);

function expectAffine(got: number[][] | undefined, want: number[][]) {
  expect(got).toBeDefined();
  // nibabel computes the qform in long double from float32 quaternions; 1e-9 is far below any float32 step.
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(got![r][c] - want[r][c]), `affine[${r}][${c}]`).toBeLessThan(1e-9);
}

describe('readNifti: small files nibabel wrote', () => {
  for (const [name, ref] of Object.entries(tiny.files)) {
    it(`${name} (${ref.dtype}, ${ref.shape.join('×')}) equals get_fdata() rounded to float32, with img.affine`, () => {
      const img = readTiny(name);
      expect(img.format).toBe('nifti');
      expect(img.shape).toEqual(ref.shape);
      expect(img.data.length).toBe(ref.data.length);
      // get_fdata() is float64; ours is float32 of the same double (value · slope + inter): exact after fround.
      const firstBad = ref.data.findIndex((v, i) => img.data[i] !== Math.fround(v));
      expect(firstBad, firstBad >= 0 ? `first difference at ${firstBad}: ${img.data[firstBad]} vs ${ref.data[firstBad]}` : '').toBe(-1);
      expectAffine(img.affine, ref.affine);
    });
  }

  it('recognises each file (plain and gzipped) as NIfTI', () => {
    for (const name of Object.keys(tiny.files)) expect(isNifti(readFileSync(join(NIFTI, 'tiny', name))), name).toBe(true);
  });

  it('says where the affine came from and what was stored', () => {
    expect(readTiny('bigendian_uint16_qform.nii').description).toMatch(/big-endian.*affine from qform/);
    expect(readTiny('float64_noxform.nii').description).toMatch(/affine from pixdim/);
    expect(readTiny('scl_int16.nii').description).toMatch(/scl_slope 2.5 scl_inter -100/);
    expect(readTiny('nifti2_float32.nii').description).toMatch(/^NIfTI-2 float32/);
  });
});

describe('readNifti: malformed files get typed errors', () => {
  for (const [name, kind] of Object.entries(tiny.malformed)) {
    it(`${name}: ${kind}`, () => {
      const bytes = readFileSync(join(NIFTI, 'tiny', name));
      if (kind === 'ok') {
        // 8 MB of zeros after a 2×2×2 image in the gzip stream: read, the excess never needed.
        const img = readNifti(bytes, { name });
        expect(img.shape).toEqual([2, 2, 2]);
        expect(Array.from(img.data)).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
        return;
      }
      let err: unknown;
      try {
        readNifti(bytes, { name });
      } catch (e) {
        err = e;
      }
      if (kind === 'limit') {
        expect(err).toBeInstanceOf(LimitError);
        expect((err as LimitError).limit).toBe('maxTensorElements');
      } else {
        expect(err).toBeInstanceOf(NiftiFormatError);
      }
      const message = (err as Error).message;
      expect(message).toContain(name);
      const words: Record<string, RegExp> = {
        truncated: /truncated|corrupt gzip/,
        magic: /bad magic/,
        sizeof_hdr: /sizeof_hdr/,
        limit: /over the limit/,
        dims: /dim/,
        datatype: /datatype/,
      };
      expect(message).toMatch(words[kind]);
    });
  }

  it('bad files are not taken for NIfTI by the sniffer', () => {
    for (const name of ['bad_magic.nii', 'bad_sizeof_hdr.nii', 'header_only.nii']) expect(isNifti(readFileSync(join(NIFTI, 'tiny', name))), name).toBe(false);
    expect(isNifti(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).toBe(false);
  });

  it('a vox_offset that is no offset (1e30, NaN) is refused, in a plain file and in gzip (found by the fuzzer)', () => {
    for (const value of [1e30, NaN]) {
      const b = new Uint8Array(readFileSync(join(NIFTI, 'tiny', 'scl_int16.nii')));
      new DataView(b.buffer, b.byteOffset).setFloat32(108, value, true);
      for (const bytes of [b, new Uint8Array(gzipSync(b))]) expect(() => readNifti(bytes, { name: 'x.nii' })).toThrow(/x\.nii: vox_offset .* is not a byte offset/);
    }
    // A plausible offset that the gzip stream cannot reach: refused before the buffer is made.
    const b = new Uint8Array(readFileSync(join(NIFTI, 'tiny', 'scl_int16.nii')));
    new DataView(b.buffer, b.byteOffset).setFloat32(108, 2 ** 40, true);
    expect(() => readNifti(new Uint8Array(gzipSync(b)), { name: 'y.nii.gz' })).toThrow(/more than \d+ bytes of gzip can inflate to/);
  });

  it('a smaller maxTensorElements refuses a volume that fits the default', () => {
    expect(() => readNifti(readFileSync(join(NIFTI, 'tiny', 'scl_int16.nii')), { limits: { maxTensorElements: 59 } })).toThrow(LimitError);
  });
});

describe('readNifti: the shared volumes against nibabel', () => {
  for (const [key, ref] of Object.entries(shared)) {
    it(`${ref.file}: shape ${ref.shape.join('×')}, affine, sums, slices, samples and a block`, () => {
      const img = readNifti(readFileSync(join(fixturesDir(), 'volumes', ref.file)), { name: ref.file });
      expect(img.shape).toEqual(ref.shape);
      expectAffine(img.affine, ref.affine);
      const [I, J, K] = ref.shape;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      const sliceSums = new Float64Array(K);
      for (let n = 0; n < img.data.length; n++) {
        const v = img.data[n];
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
        sliceSums[n % K] += v; // C order: k fastest
      }
      expect([sum, min, max]).toEqual([ref.sum, ref.min, ref.max]);
      expect(Array.from(sliceSums)).toEqual(ref.sliceSumsK);
      ref.samples.index.forEach((idx, s) => expect(img.data[flat(ref.shape, idx)], `${key} voxel [${idx}]`).toBe(ref.samples.value[s]));
      const [i0, j0, k] = ref.block.origin;
      for (let di = 0; di < 32; di++) {
        for (let dj = 0; dj < 32; dj++) expect(img.data[flat([I, J, K], [i0 + di, j0 + dj, k])]).toBe(ref.block.value[di][dj]);
      }
      expect(img.spacing).toEqual([1, 1, 1]);
    });
  }
});
