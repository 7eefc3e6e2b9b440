/**
 * `mi decode` as users run it (a child process): NIfTI as nibabel's get_fdata() (a shared volume's
 * sums and sampled voxels, a small scaled file whole), a 16-bit PNG with every bit, the summary
 * line, and one-line failures for malformed input and bad flags.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const NIFTI = join(repoRoot, 'test', 'fixtures', 'nifti');
const DICOM = join(repoRoot, 'test', 'fixtures', 'dicom');
const dicomRef = (name: string) => parseNpy(readFileSync(join(DICOM, 'ref', name)));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
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

  it('a DICOM file: apply_modality_lut(pixel_array) exactly (signed 16-bit CT, negative intercept)', async () => {
    const path = join(out, 'ct.npy');
    const r = await mi(['decode', join(DICOM, 'ct_signed16.dcm'), '-o', path]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^ct_signed16\.dcm: DICOM .*shape \(64, 64\) float32, min -1541 max 954, spacing 0\.75×0\.8 mm/);
    const got = parseNpy(readFileSync(path));
    const ref = dicomRef('ct_signed16.npy');
    expect(got.shape).toEqual(ref.shape);
    expect(maxAbs(got.data, ref.data)).toBe(0);
  });

  it('--voi and --window: the DICOM LINEAR formula scaled to [0, 1] (pydicom apply_voi_lut, in its output range)', async () => {
    const ref = dicomRef('ct_signed16.npy').data;
    const voiRef = dicomRef('ct_signed16.voi.npy').data;
    // pydicom 2.3 maps a window onto the range of the stored bits (signed 16: -32768..32767) put
    // through the rescale (slope 1, intercept -1024 here).
    const [ymin, ymax] = [-32768 - 1024, 32767 - 1024];
    const voi = join(out, 'ct-voi.npy');
    const r = await mi(['decode', join(DICOM, 'ct_signed16.dcm'), '--voi', '-o', voi]);
    expect(r.code, show(r)).toBe(0);
    const got = parseNpy(readFileSync(voi)).data;
    // float32 [0, 1] times 65535: a rounding step of 2^-24 becomes ~0.004 units.
    expect(maxAbs(Array.from(got, (v) => v * (ymax - ymin) + ymin), voiRef)).toBeLessThan(0.02);
    const win = join(out, 'ct-win.npy');
    const w = await mi(['decode', join(DICOM, 'ct_signed16.dcm'), '--window=-600,1500', '-o', win]);
    expect(w.code, show(w)).toBe(0);
    // PS3.3 C.11.2.1.2.1, in float64 here.
    const formula = Array.from(ref, (x) => Math.min(1, Math.max(0, (x - (-600 - 0.5)) / (1500 - 1) + 0.5)));
    expect(maxAbs(parseNpy(readFileSync(win)).data, formula)).toBeLessThan(1e-6);
  });

  it('a DICOM folder: the shared 20-slice series stacked in the order of the positions pydicom gives', async () => {
    const meta = JSON.parse(readFileSync(join(DICOM, 'ref', 'shared_brain-series.json'), 'utf8'));
    const sample = dicomRef('shared_brain-series.sample.npy'); // frames [0, -1], rows and cols [::8]
    const path = join(out, 'series.npy');
    const r = await mi(['decode', join(fixturesDir(), 'dicom', 'brain-series'), '-o', path]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/20 slices.*shape \(20, 256, 256\) float32, min 0 max 1059, spacing 7\.00052×0\.859375×0\.859375 mm/);
    const got = parseNpy(readFileSync(path));
    expect(got.shape).toEqual(meta.shape);
    const picked: number[] = [];
    for (const f of [0, 19]) for (let y = 0; y < 256; y += 8) for (let x = 0; x < 256; x += 8) picked.push(got.data[(f * 256 + y) * 256 + x]);
    expect(sample.data.length).toBe(picked.length);
    expect(maxAbs(picked, sample.data)).toBe(0);
  });

  it('a folder is its DICOM files: others beside them are left out; none at all is an error', async () => {
    const dir = join(tempDir(), 'series');
    mkdirSync(dir);
    const src = join(fixturesDir(), 'dicom', 'brain-series');
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(dir, f));
    writeFileSync(join(dir, 'README.txt'), 'not a slice');
    const r = await mi(['decode', dir]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/\(20 files\).*shape \(20, 256, 256\)/);
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'a.txt'), 'x');
    const e = await mi(['decode', empty]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/has no DICOM files \(1 other files\)/);
  });
});
