/**
 * 'from-file' on a DICOM without a window of its own: the stored values' full range (Bits Stored,
 * signed or not, through the rescale) maps onto [0, 1], DICOM's "no VOI transform". So an 8-bit RGB
 * file (the demo's cell wrapped in DICOM) becomes exactly its own pixel values on 0..255, and a
 * 12-bit signed image with slope 0.5 / intercept −10.25 spans [−2048·0.5 − 10.25, 2047·0.5 − 10.25].
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rgbDicom } from '../../../demo/dicom-sample.ts';
import { readDicom, windowFromSpec } from '../../../src/formats/dicom/index.ts';
import { toModelImage } from '../../../src/runtime/medical-input.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'dicom');

describe("DICOM 'from-file' without a window", () => {
  it('keeps 8-bit RGB pixel values as they are (0..255)', async () => {
    const rows = 5;
    const cols = 7;
    const pixels = Uint8Array.from({ length: rows * cols * 3 }, (_, i) => (i * 37 + 11) % 256);
    const image = await readDicom(rgbDicom(pixels, rows, cols, 1), { worker: false });
    expect(image.windows ?? []).toHaveLength(0);
    expect(image.valueRange).toEqual([0, 255]);
    const px = toModelImage(image, { window: 'from-file' });
    expect(px).toMatchObject({ width: cols, height: rows, channels: 3 });
    px.data.forEach((v, i) => expect(Math.abs(v - pixels[i]!)).toBeLessThan(1e-4));
  });

  it('spans the Bits Stored range through the rescale, not the data min..max', async () => {
    const image = await readDicom(new Uint8Array(readFileSync(join(FIXTURES, 'ct_12bit_masked.dcm'))), { worker: false });
    expect(image.valueRange).toEqual([-2048 * 0.5 - 10.25, 2047 * 0.5 - 10.25]);
    const y = windowFromSpec({ ...image, windows: undefined, voiLut: undefined }, 'from-file')(image.data);
    const [lo, hi] = image.valueRange!;
    image.data.forEach((v, i) => expect(y[i]).toBeCloseTo((v - lo) / (hi - lo), 6));
    // min-max still stretches the data's own range.
    const mm = windowFromSpec(image, 'min-max')(image.data);
    expect(Math.min(...mm)).toBe(0);
    expect(Math.max(...mm)).toBe(1);
  });

  it('still prefers the file window when there is one', async () => {
    const image = await readDicom(new Uint8Array(readFileSync(join(FIXTURES, 'ct_signed16.dcm'))), { worker: false });
    expect(image.windows?.[0]).toMatchObject({ center: 40, width: 400 });
    const y = windowFromSpec(image, 'from-file')(Float32Array.of(40 - 200, 40 + 200));
    expect(y[0]).toBeCloseTo(0, 2);
    expect(y[1]).toBeCloseTo(1, 2);
  });
});
