/**
 * loadImage (bytes, { name, bytes }, Blob, ArrayBuffer, several files = a DICOM series; the kind
 * sniffed from the bytes) and toModelImage / toVolumeTensor (frame and slice picking, windows onto
 * `range`, MONOCHROME1 inverted after windowing, volume orientation), plus how the model's resolved
 * intensity fields feed them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageInputError, ShapeError } from '../../../src/errors.ts';
import type { MedicalImage } from '../../../src/formats/medical/types.ts';
import { loadImage, sniffMedicalImage } from '../../../src/runtime/load-image.ts';
import { isMedicalImage, toModelImage, toVolumeTensor } from '../../../src/runtime/medical-input.ts';
import { resolvePreprocessing } from '../../../src/runtime/preprocess-resolve.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';

const NIFTI = join(repoRoot, 'test', 'fixtures', 'nifti', 'tiny');
const DICOM = join(repoRoot, 'test', 'fixtures', 'dicom');
const bytes = (path: string) => new Uint8Array(readFileSync(path));

/** A synthetic greyscale image for the windowing arithmetic. */
const synthetic = (data: number[], shape: number[], extra: Partial<MedicalImage> = {}): MedicalImage => ({
  format: 'dicom',
  name: 'synthetic',
  data: Float32Array.from(data),
  shape,
  channels: 1,
  description: 'test',
  ...extra,
});

describe('loadImage', () => {
  it('sniffs NIfTI (plain and gzip), DICOM and PNG by their bytes, whatever the name', async () => {
    expect(sniffMedicalImage(bytes(join(NIFTI, 'uint8.nii')))).toBe('nifti');
    expect(sniffMedicalImage(bytes(join(NIFTI, 'int8_4d.nii.gz')))).toBe('nifti');
    expect(sniffMedicalImage(bytes(join(DICOM, 'ct_signed16.dcm')))).toBe('dicom');
    const img = await loadImage({ name: 'renamed.png', bytes: bytes(join(NIFTI, 'scl_int16.nii')) });
    expect(img.format).toBe('nifti');
    expect(img.name).toBe('renamed.png');
    expect(img.shape).toEqual([5, 4, 3]);
  });

  it('takes Uint8Array, ArrayBuffer and Blob alike', async () => {
    const b = bytes(join(NIFTI, 'uint8.nii'));
    const fromBytes = await loadImage(b, { name: 'u8.nii' });
    const fromBuffer = await loadImage(b.slice().buffer);
    const fromBlob = await loadImage(new Blob([b]));
    for (const img of [fromBuffer, fromBlob]) expect(Array.from(img.data)).toEqual(Array.from(fromBytes.data));
    expect(fromBytes.name).toBe('u8.nii');
    expect(isMedicalImage(fromBytes)).toBe(true);
    expect(isMedicalImage({ width: 1, height: 1, channels: 1, data: new Float32Array(1) })).toBe(false);
  });

  it('several files are one DICOM series, sorted along the slice normal', async () => {
    const dir = join(fixturesDir(), 'dicom', 'brain-series');
    const files = readdirSync(dir)
      .sort()
      .reverse() // the order given must not matter
      .map((f) => ({ name: f, bytes: bytes(join(dir, f)) }));
    const series = await loadImage(files);
    expect(series.shape).toEqual([20, 256, 256]);
    const first = await loadImage(files[files.length - 1]); // brain_001.dcm
    expect(Array.from(series.data.subarray(0, 256 * 256))).toEqual(Array.from(first.data));
  });

  it('refuses unknown bytes and a mixed set, naming the file', async () => {
    await expect(loadImage({ name: 'notes.txt', bytes: new TextEncoder().encode('hello world, not an image') })).rejects.toThrow(
      /notes\.txt is not DICOM, NIfTI \(\.nii, \.nii\.gz\) or PNG/,
    );
    const mixed = [{ name: 'a.dcm', bytes: bytes(join(DICOM, 'ct_signed16.dcm')) }, { name: 'b.nii', bytes: bytes(join(NIFTI, 'uint8.nii')) }];
    await expect(loadImage(mixed)).rejects.toThrow(ImageInputError);
    await expect(loadImage(mixed)).rejects.toThrow(/b\.nii is not DICOM/);
    await expect(loadImage([])).rejects.toThrow(/no files/);
  });
});

describe('toModelImage', () => {
  it('a window onto range: the DICOM LINEAR formula × 255 by default, or any range', () => {
    const img = synthetic([-1000, 0, 40, 100, 240, 3000], [2, 3]);
    const px = toModelImage(img, { window: { center: 40, width: 400 } });
    expect([px.height, px.width, px.channels]).toEqual([2, 3, 1]);
    const linear = (x: number) => Math.min(1, Math.max(0, (x - 39.5) / 399 + 0.5));
    Array.from(img.data).forEach((x, i) => expect(px.data[i]).toBeCloseTo(linear(x) * 255, 4));
    const signed = toModelImage(img, { window: { center: 40, width: 400 }, range: [-1, 1] });
    Array.from(img.data).forEach((x, i) => expect(signed.data[i]).toBeCloseTo(linear(x) * 2 - 1, 5));
  });

  it("min-max, and 'from-file' without a window in the file, stretch min..max onto the range", () => {
    const img = synthetic([10, 20, 30, 50], [2, 2]);
    for (const window of ['min-max', 'from-file'] as const) expect(Array.from(toModelImage(img, { window }).data)).toEqual([0, 63.75, 127.5, 255]);
  });

  it('MONOCHROME1 is inverted after windowing (bright = dense)', () => {
    const plain = synthetic([0, 25, 100], [1, 3]);
    const mono1 = synthetic([0, 25, 100], [1, 3], { inverted: true, photometric: 'MONOCHROME1' });
    const a = toModelImage(plain, { window: 'min-max', range: [0, 1] }).data;
    const b = toModelImage(mono1, { window: 'min-max', range: [0, 1] }).data;
    expect(Array.from(b)).toEqual(Array.from(a, (v) => 1 - v));
  });

  it('picks a frame of a stack (first axis) and a k slice of a NIfTI volume', () => {
    const stack = synthetic([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [3, 2, 2]);
    expect(Array.from(toModelImage(stack, { frame: 2, window: 'min-max', range: [0, 1] }).data)).toEqual([0, 1 / 3, 2 / 3, 1].map(Math.fround));
    // NIfTI (i, j, k) = (2, 2, 3) in C order: value = 100 i + 10 j + k.
    const vol = synthetic([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112], [2, 2, 3], { format: 'nifti' });
    const slice = toModelImage(vol, { frame: 1, window: { center: 128, width: 256 } });
    expect([slice.height, slice.width]).toEqual([2, 2]);
    expect(Array.from(slice.data, Math.round)).toEqual([1, 11, 101, 111]);
    expect(() => toModelImage(vol, { frame: 3 })).toThrow(/3 slices along k/);
  });

  it("a PNG's own window is its full range: 'from-file' keeps 16-bit values' proportions", () => {
    const png = synthetic([0, 32768, 65535], [1, 3], { format: 'png', windows: [{ center: 32768, width: 65536 }] });
    const px = toModelImage(png);
    expect(px.data[0]).toBe(0);
    expect(px.data[2]).toBeCloseTo(255, 4);
    expect(px.data[1]).toBeCloseTo((32768 / 65535) * 255, 3);
  });
});

describe('toVolumeTensor', () => {
  const vol = synthetic([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112], [2, 2, 3], { format: 'nifti' });

  it("native: the image's axes as [1, i, j, k, 1]; reversed: [1, k, j, i, 1]", () => {
    const identity = { center: 128, width: 256 };
    const n = toVolumeTensor(vol, { window: identity });
    expect(n.shape).toEqual([1, 2, 2, 3, 1]);
    expect(Array.from(n.data, Math.round)).toEqual(Array.from(vol.data));
    const r = toVolumeTensor(vol, { window: identity, orientation: 'reversed' });
    expect(r.shape).toEqual([1, 3, 2, 2, 1]);
    // r[k][j][i] = 100 i + 10 j + k
    expect(Array.from(r.data, Math.round)).toEqual([0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
  });

  it('refuses colour and 4-D volumes with a reason', () => {
    expect(() => toVolumeTensor(synthetic(new Array(24).fill(0), [2, 2, 3, 2], { format: 'nifti' }))).toThrow(ShapeError);
    expect(() => toVolumeTensor({ ...vol, channels: 3, shape: [2, 2, 1, 3] })).toThrow(/colour/);
  });
});

describe("the model's intensity fields feed the conversion", () => {
  it("metadata window and range reach toModelImage as model.preprocessing.intensity", () => {
    const p = resolvePreprocessing({ declared: [null, 2, 2, 1], metadata: { input: { window: { center: 40, width: 400 }, range: [0, 1] } } });
    const img = synthetic([-160, 40, 240, 1000], [2, 2]);
    const px = toModelImage(img, p.intensity);
    expect(Array.from(px.data).map((v) => +v.toFixed(4))).toEqual([0, 0.5013, 1, 1]);
  });
});
