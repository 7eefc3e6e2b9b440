/**
 * `mi decode` as users run it (a child process): NIfTI as nibabel's get_fdata() (a shared volume's
 * sums and sampled voxels, a small scaled file whole), a 16-bit PNG with every bit, the summary
 * line, and one-line failures for malformed input and bad flags.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const NIFTI = join(repoRoot, 'test', 'fixtures', 'nifti');
const out = tempDir();

describe('mi decode', () => {
  it('a NIfTI volume: get_fdata() layout (i, j, k), same sums and voxels as nibabel', async () => {
    const ref = JSON.parse(readFileSync(join(NIFTI, 'shared-refs.json'), 'utf8')).aal;
    const path = join(out, 'aal.npy');
    const r = await mi(['decode', join(fixturesDir(), 'volumes', 'aal.nii.gz'), '-o', path]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout.trim()).toMatch(/^aal\.nii\.gz: NIfTI-1 \(gzip\) uint8, 181×217×181.*shape \(181, 217, 181\) float32, min 0 max \d+, spacing 1×1×1 mm → /);
    const t = parseNpy(readFileSync(path));
    expect(t.shape).toEqual(ref.shape);
    expect(t.data.reduce((a, b) => a + b, 0)).toBe(ref.sum);
    const [, J, K] = ref.shape;
    ref.samples.index.forEach(([i, j, k]: number[], s: number) => expect(t.data[(i * J + j) * K + k]).toBe(ref.samples.value[s]));
  });

  it('a scaled 4-D NIfTI, whole, equal to get_fdata() in float32', async () => {
    const ref = JSON.parse(readFileSync(join(NIFTI, 'tiny-refs.json'), 'utf8')).files['int8_4d.nii.gz'];
    const path = join(out, 'int8_4d.npy');
    const r = await mi(['decode', join(NIFTI, 'tiny', 'int8_4d.nii.gz'), '--output', path]);
    expect(r.code, show(r)).toBe(0);
    const t = parseNpy(readFileSync(path));
    expect(t.shape).toEqual([3, 4, 5, 2]);
    expect(Array.from(t.data)).toEqual(ref.data.map(Math.fround));
  });

  it('a 16-bit grey PNG: (rows, cols), all 16 bits', async () => {
    const values = new Uint16Array(6 * 4).map((_, i) => (i * 2741 + 3) & 0xffff);
    const png = join(out, 'g16.png');
    writeFileSync(png, encode({ width: 6, height: 4, data: values, depth: 16, channels: 1 }));
    const path = join(out, 'g16.npy');
    const r = await mi(['decode', png, '-o', path]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/PNG 16-bit grey.*shape \(4, 6\) float32/);
    const t = parseNpy(readFileSync(path));
    expect(t.shape).toEqual([4, 6]);
    expect(Array.from(t.data)).toEqual(Array.from(values));
  });

  it('malformed input and bad flags fail with one line', async () => {
    const bad = await mi(['decode', join(NIFTI, 'tiny', 'truncated.nii')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('mi decode: truncated.nii (4×3×2 uint8): truncated data: 366 bytes in the file, the header needs 376');
    const usage = await mi(['decode', join(NIFTI, 'tiny', 'uint8.nii'), '--window', '40']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--window must be CENTER,WIDTH/);
    const unknown = await mi(['decode', join(repoRoot, 'package.json')]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/package\.json is not DICOM, NIfTI \(\.nii, \.nii\.gz\) or PNG/);
  });
});
