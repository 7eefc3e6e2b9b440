/**
 * A fixed-seed fuzz of the NIfTI reader: small nibabel-written files (plain, gzipped, NIfTI-2,
 * big-endian, 4-D, RGB24) with header fields set to hostile values (dims, dim[0], datatype, bitpix,
 * vox_offset, scl_slope/scl_inter, sform/qform codes, quaternions, pixdim) and bytes flipped, cut and
 * inserted (gzip streams re-made around the edited bytes or edited themselves). Every case must end in
 * a NiftiFormatError, a LimitError, or an image whose data fills its shape; never another error.
 * maxTensorElements is lowered so a "valid" huge header is refused instead of allocated.
 * Found and fixed by it: a vox_offset of 1e30 in a .nii.gz sized the inflate buffer (RangeError).
 * Seeds 1-6 × 3000 cases ran clean after the fix; npm test runs seed 1313 × 400.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimitError, NiftiFormatError } from '../../../src/errors.ts';
import { readNifti } from '../../../src/formats/nifti/index.ts';
import { repoRoot } from '../../util/fixtures.ts';

const TINY = join(repoRoot, 'test', 'fixtures', 'nifti', 'tiny');
const SEEDS = ['scl_int16.nii', 'nifti2_float32.nii', 'bigendian_uint16_qform.nii', 'int8_4d.nii.gz', 'float64_noxform.nii', 'rgb24.nii', 'int64.nii'];
const raw = Object.fromEntries(
  SEEDS.map((name) => {
    const b = readFileSync(join(TINY, name));
    return [name, new Uint8Array(name.endsWith('.gz') ? gunzipSync(b) : b)];
  }),
);

/** Header fields by version: [offset, kind] (i2/i4/i8 integers, f4/f8 floats). */
const FIELDS: Record<1 | 2, [number, 'i2' | 'i4' | 'i8' | 'f4' | 'f8'][]> = {
  1: [[40, 'i2'], [42, 'i2'], [44, 'i2'], [46, 'i2'], [48, 'i2'], [70, 'i2'], [72, 'i2'], [76, 'f4'], [80, 'f4'], [108, 'f4'], [112, 'f4'], [116, 'f4'], [252, 'i2'], [254, 'i2'], [256, 'f4'], [260, 'f4'], [280, 'f4']],
  2: [[16, 'i8'], [24, 'i8'], [32, 'i8'], [40, 'i8'], [12, 'i2'], [14, 'i2'], [104, 'f8'], [168, 'i8'], [176, 'f8'], [184, 'f8'], [344, 'i4'], [348, 'i4'], [352, 'f8'], [400, 'f8']],
};
const hostile = fc.constantFrom(0, 1, -1, 2, 3, 7, 8, 9, 127, 128, 255, 256, 1024, 2304, 32767, -32768, 65535, 2 ** 31 - 1, -(2 ** 31), 1e30, -1e30, NaN, Infinity, 0.5);

function setField(b: Uint8Array, at: number, kind: string, v: number, le: boolean): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (at + 8 > b.length) return;
  const int = Number.isFinite(v) ? Math.trunc(v) : 0;
  if (kind === 'i2') dv.setInt16(at, int, le);
  else if (kind === 'i4') dv.setInt32(at, int | 0, le);
  else if (kind === 'i8') dv.setBigInt64(at, BigInt(int), le);
  else if (kind === 'f4') dv.setFloat32(at, v, le);
  else dv.setFloat64(at, v, le);
}

const caseArb = fc.record({
  seed: fc.constantFrom(...SEEDS),
  fields: fc.array(fc.record({ field: fc.nat(100), value: hostile }), { maxLength: 4 }),
  edits: fc.array(fc.record({ kind: fc.constantFrom('flip', 'cut', 'insert'), at: fc.nat(2000), byte: fc.nat(255) }), { maxLength: 3 }),
  gzip: fc.constantFrom('none', 'wrap', 'wrap-then-cut'),
});

describe('readNifti under hostile input (fixed seed)', () => {
  it('ends in NiftiFormatError, LimitError or a consistent image, for 400 cases', () => {
    const outcomes = { image: 0, format: 0, limit: 0 };
    fc.assert(
      fc.property(caseArb, (c) => {
        let b = raw[c.seed].slice();
        const le = new DataView(b.buffer).getInt32(0, true) === 348 || new DataView(b.buffer).getInt32(0, true) === 540;
        const version = (new DataView(b.buffer).getInt32(0, le) === 540 ? 2 : 1) as 1 | 2;
        for (const f of c.fields) {
          const [at, kind] = FIELDS[version][f.field % FIELDS[version].length];
          setField(b, at, kind, f.value, le);
        }
        for (const e of c.edits) {
          const at = e.at % Math.max(1, b.length);
          if (e.kind === 'flip') b[at] ^= 1 << (e.byte % 8);
          else if (e.kind === 'cut') b = b.slice(0, at);
          else b = Uint8Array.from([...b.subarray(0, at), e.byte, ...b.subarray(at)]);
        }
        if (c.gzip !== 'none') {
          const gz = new Uint8Array(gzipSync(b));
          b = c.gzip === 'wrap' ? gz : gz.slice(0, Math.max(2, gz.length - 1 - (c.edits.length * 7)));
        }
        try {
          const img = readNifti(b, { name: 'fuzz.nii', limits: { maxTensorElements: 1 << 20 } });
          expect(img.data.length).toBe(img.shape.reduce((x, y) => x * y, 1));
          expect(img.affine).toHaveLength(4);
          outcomes.image++;
        } catch (err) {
          if (err instanceof LimitError) outcomes.limit++;
          else if (err instanceof NiftiFormatError) outcomes.format++;
          else throw err;
        }
      }),
      { seed: 1313, numRuns: 400 },
    );
    console.log(`nifti fuzz: ${outcomes.image} images, ${outcomes.format} NiftiFormatError, ${outcomes.limit} LimitError`);
    // The mix must exercise both the readable and the refused paths.
    expect(outcomes.image).toBeGreaterThan(20);
    expect(outcomes.format).toBeGreaterThan(20);
  });
});
