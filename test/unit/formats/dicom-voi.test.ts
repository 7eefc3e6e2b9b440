/**
 * The VOI functions against the DICOM formulas (PS3.3 C.11.2.1.2.1 LINEAR, C.11.2.1.3.2
 * LINEAR_EXACT, C.11.2.1.3.1 SIGMOID, written out again here with ymin = 0, ymax = 1) on values that
 * straddle every breakpoint, and against pydicom 2.3.1's apply_voi_lut on real files (its output is
 * in the Bits Stored range after rescale: ours × (ymax − ymin) + ymin must give it back).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageInputError } from '../../../src/errors.ts';
import { applyVoiLut, applyWindow, readDicom, windowFromSpec } from '../../../src/formats/dicom/index.ts';
import type { VoiWindow } from '../../../src/formats/medical/types.ts';
import { compare, fixture, readNpyF32, REF } from './dicom-refs.ts';

/** The standard's formulas, y in [ymin, ymax], independent of src/. */
function standard(x: number, w: VoiWindow, ymin: number, ymax: number): number {
  const { center: c, width: wd } = w;
  switch (w.function ?? 'LINEAR') {
    case 'LINEAR':
      if (x <= c - 0.5 - (wd - 1) / 2) return ymin;
      if (x > c - 0.5 + (wd - 1) / 2) return ymax;
      return ((x - (c - 0.5)) / (wd - 1) + 0.5) * (ymax - ymin) + ymin;
    case 'LINEAR_EXACT':
      if (x <= c - wd / 2) return ymin;
      if (x > c + wd / 2) return ymax;
      return ((x - c) / wd + 0.5) * (ymax - ymin) + ymin;
    case 'SIGMOID':
      return (ymax - ymin) / (1 + Math.exp((-4 * (x - c)) / wd)) + ymin;
  }
}

function around(c: number, w: number): number[] {
  const xs: number[] = [];
  for (const d of [-w, -w / 2 - 1, -w / 2 - 0.5, -w / 2, -w / 2 + 0.5, -w / 4, -0.5, 0, 0.25, 0.5, w / 4, w / 2 - 1, w / 2 - 0.5, w / 2, w / 2 + 0.5, w]) {
    xs.push(c + d);
  }
  return xs;
}

describe('applyWindow: the DICOM formulas with ymin = 0, ymax = 1', () => {
  const cases: VoiWindow[] = [
    { center: 40, width: 400, function: 'LINEAR' },
    { center: 40, width: 400 },
    { center: -600, width: 1500, function: 'LINEAR' },
    { center: 0.5, width: 1, function: 'LINEAR' },
    { center: 127.5, width: 2, function: 'LINEAR' },
    { center: 40, width: 400, function: 'LINEAR_EXACT' },
    { center: 10, width: 0.5, function: 'LINEAR_EXACT' },
    { center: 128, width: 64, function: 'SIGMOID' },
  ];
  for (const w of cases) {
    it(`${w.function ?? 'LINEAR (default)'} c=${w.center} w=${w.width}`, () => {
      const xs = around(w.center, w.width);
      const got = applyWindow(Float32Array.from(xs), w);
      const want = xs.map((x) => Math.fround(standard(Math.fround(x), w, 0, 1)));
      expect(compare(got, want).maxError).toBeLessThanOrEqual(1e-7);
      for (const v of got) expect(v >= 0 && v <= 1).toBe(true);
    });
  }

  it('LINEAR: exactly 0 at and below c - 0.5 - (w-1)/2, exactly 1 above c - 0.5 + (w-1)/2, 0.5 at c - 0.5', () => {
    // c = 40, w = 400: the ramp runs from 39.5 - 199.5 = -160 (exclusive) to 39.5 + 199.5 = 239.
    const y = applyWindow([-160, -159.9, 39.5, 239, 239.1], { center: 40, width: 400 });
    expect(y[0]).toBe(0);
    expect(y[1]).toBeGreaterThan(0);
    expect(y[2]).toBeCloseTo(0.5, 7);
    expect(y[3]).toBe(1);
    expect(y[4]).toBe(1);
  });

  it('writes into out when given; refuses widths the function cannot use', () => {
    const out = new Float32Array(3);
    expect(applyWindow([0, 40, 1000], { center: 40, width: 400 }, out)).toBe(out);
    expect(() => applyWindow([0], { center: 0, width: 0.5, function: 'LINEAR' })).toThrow(ImageInputError);
    expect(() => applyWindow([0], { center: 0, width: 0, function: 'LINEAR_EXACT' })).toThrow(/width > 0/);
    expect(() => applyWindow([0], { center: 0, width: -1, function: 'SIGMOID' })).toThrow(/width > 0/);
  });
});

describe('against pydicom apply_voi_lut', () => {
  // [file, ymin, ymax]: pydicom's output range, Bits Stored range after the rescale.
  const files: [string, number, number][] = [
    ['ct_signed16', -32768 - 1024, 32767 - 1024],
    ['mono1', -100.25, 65535 * 2.5 - 100.25],
    ['sigmoid_u8', 0, 255],
  ];
  for (const [name, ymin, ymax] of files) {
    it(`${name}: the file's first window, scaled back to pydicom's range`, async () => {
      const image = await readDicom(fixture(`${name}.dcm`));
      const y = applyWindow(image.data, image.windows![0]!);
      const ref = readNpyF32(join(REF, `${name}.voi.npy`));
      const back = Array.from(y, (v) => v * (ymax - ymin) + ymin);
      // float32 [0, 1] against pydicom's float64 in a range of up to 164 000: 2^-24 of the range.
      expect(compare(back, ref).maxError).toBeLessThanOrEqual((ymax - ymin) * 2 ** -23);
    });
  }

  it('voi_lut: the VOI LUT Sequence (12-bit entries, first mapped 100) equals pydicom exactly in its units', async () => {
    const image = await readDicom(fixture('voi_lut.dcm'));
    const y = applyVoiLut(image.data, image.voiLut!);
    const ref = readNpyF32(join(REF, 'voi_lut.voi.npy'));
    expect(compare(Array.from(y, (v) => Math.round(v * 4095)), ref)).toEqual({ maxError: 0, differing: 0 });
    // Below the first mapped value: entry 0; above the last: the last entry.
    expect(Array.from(applyVoiLut([-5, 99, 100, 1e6], image.voiLut!))).toEqual([0, 0, 0, 1]);
  });
});

describe('windowFromSpec', () => {
  it("'from-file' takes the first window; a given window overrides it; 'min-max' spans the data", async () => {
    const ct = await readDicom(fixture('ct_signed16.dcm'));
    expect(Array.from(windowFromSpec(ct, 'from-file')([-160.5, 39.5, 300]))).toEqual(Array.from(applyWindow([-160.5, 39.5, 300], ct.windows![0]!)));
    expect(Array.from(windowFromSpec(ct, { center: -600, width: 1500 })([-600]))).toEqual(Array.from(applyWindow([-600], { center: -600, width: 1500 })));
    let lo = Infinity, hi = -Infinity;
    for (const v of ct.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(Array.from(windowFromSpec(ct, 'min-max')([lo, (lo + hi) / 2, hi]))).toEqual([0, 0.5, 1]);
  });

  it('MONOCHROME1 is inverted after the VOI step (1 - y); MONOCHROME2 is not', async () => {
    const mono1 = await readDicom(fixture('mono1.dcm'));
    const x = Array.from(mono1.data.subarray(0, 50));
    const plain = applyWindow(x, mono1.windows![0]!);
    const inverted = windowFromSpec(mono1, 'from-file')(x);
    for (let i = 0; i < x.length; i++) expect(inverted[i]).toBeCloseTo(1 - plain[i]!, 6);
    expect(mono1.windows![0]!.function).toBe('LINEAR_EXACT');
  });

  it("'from-file' without a window uses the VOI LUT, and without either min..max", async () => {
    const lut = await readDicom(fixture('voi_lut.dcm'));
    expect(Array.from(windowFromSpec(lut, 'from-file')([100, 2147]))).toEqual(Array.from(applyVoiLut([100, 2147], lut.voiLut!)));
    const rgb = await readDicom(fixture('rgb_planar.dcm'));
    expect(Array.from(windowFromSpec(rgb, 'from-file')([0, 255]))).toEqual([0, 1]);
  });

  it('a bad window fails when the function is made, before any data', async () => {
    const ct = await readDicom(fixture('ct_signed16.dcm'));
    expect(() => windowFromSpec(ct, { center: 0, width: 0 })).toThrow(ImageInputError);
  });
});
