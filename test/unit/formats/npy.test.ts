/** .npy parsing and writing, against files numpy itself wrote. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, toNpy } from '../../../src/formats/npy.ts';
import { ModelFormatError } from '../../../src/errors.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { FORMATS_DIR } from './helpers.ts';

const NPY = join(FORMATS_DIR, 'npy');
const expected: Record<string, { shape: number[]; values: number[] }> = JSON.parse(readFileSync(join(NPY, 'expected.json'), 'utf8'));
const read = (name: string) => parseNpy(readFileSync(join(NPY, `${name}.npy`)), `${name}.npy`);

describe('parseNpy', () => {
  for (const name of ['f4', 'f8', 'f2', 'i4', 'u1', 'scalar_f4', 'vec_f4', 'v2_f4', 'v3_f4']) {
    it(`reads ${name} (numpy-written) as float32`, () => {
      const t = read(name);
      expect(t.shape).toEqual(expected[name].shape);
      expect(Array.from(t.data)).toEqual(expected[name].values.map(Math.fround));
    });
  }

  it('refuses big-endian data with a clear error', () => {
    expect(() => read('big_endian')).toThrow(/big-endian.*'>f4'/);
  });

  it('refuses Fortran order with a clear error', () => {
    expect(() => read('fortran')).toThrow(/fortran_order=True/);
  });

  it('refuses truncated data and non-npy bytes', () => {
    const bytes = readFileSync(join(NPY, 'f4.npy'));
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 3), 'cut.npy')).toThrow(ModelFormatError);
    expect(() => parseNpy(bytes.subarray(0, bytes.length - 3), 'cut.npy')).toThrow(/truncated data.*24 bytes.*21/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(/signature/);
  });

  it('refuses unsupported dtypes (complex, strings)', () => {
    const t = toNpy({ shape: [1], data: new Float32Array([1]) });
    const text = new TextDecoder('latin1').decode(t).replace("'<f4'", "'<c8'");
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(() => parseNpy(bytes, 'c.npy')).toThrow(/dtype '<c8' is not supported/);
  });

  it('reads the shared fixtures reference arrays', () => {
    const dir = join(fixturesDir(), 'models', 'malaria-resnet-keras2-h5', 'ref');
    const input = parseNpy(readFileSync(join(dir, 'nih2.input.npy')));
    expect(input.shape).toEqual([input.shape[0], 224, 224, 3]);
    expect(input.data.length).toBe(input.shape.reduce((a, b) => a * b, 1));
    const out = parseNpy(readFileSync(join(dir, 'nih2.output.npy')));
    expect(out.shape[0]).toBe(input.shape[0]);
    for (const v of out.data) expect(v >= 0 && v <= 1).toBe(true);
    for (const d of readdirSync(join(fixturesDir(), 'models')).filter((m) => m.startsWith('meshnet'))) {
      for (const f of readdirSync(join(fixturesDir(), 'models', d, 'ref'))) {
        const t = parseNpy(readFileSync(join(fixturesDir(), 'models', d, 'ref', f)), f);
        expect(t.shape).toHaveLength(5);
      }
    }
  });
});

describe('toNpy', () => {
  it('writes exactly the bytes numpy.save writes for a float32 array', () => {
    const numpyBytes = new Uint8Array(readFileSync(join(NPY, 'f4.npy')));
    const t = read('f4');
    expect(toNpy(t)).toEqual(numpyBytes);
    expect(toNpy(read('vec_f4'))).toEqual(new Uint8Array(readFileSync(join(NPY, 'vec_f4.npy'))));
    expect(toNpy(read('scalar_f4'))).toEqual(new Uint8Array(readFileSync(join(NPY, 'scalar_f4.npy'))));
  });

  it('round-trips', () => {
    const t = { shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => i * 0.37 - 3) };
    expect(parseNpy(toNpy(t))).toEqual({ shape: [2, 3, 4], data: t.data });
  });
});
