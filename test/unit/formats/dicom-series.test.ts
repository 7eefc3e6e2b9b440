/**
 * readDicomSeries: the shared 20-slice brain MRI series and a 5-slice oblique series whose Instance
 * Numbers and file names are out of position order, stacked in the order pydicom's positions give
 * (normal = row × col cosines, · Image Position (Patient)), with the volume equal to the stacked
 * apply_modality_lut references; spacing from the positions; uneven spacing noted; several series
 * refused by name unless one is chosen; slices that do not fit refused.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DicomFormatError } from '../../../src/errors.ts';
import { readDicom, readDicomSeries } from '../../../src/formats/dicom/index.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { compare, DICOM, readNpyF32, REF, refInfo, sha256 } from './dicom-refs.ts';

function folder(dir: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

describe('readDicomSeries', () => {
  it('shared brain series: 20 slices in pydicom position order, the volume hashes to the reference', async () => {
    const files = folder(join(fixturesDir(), 'dicom', 'brain-series'));
    const info = refInfo('shared_brain-series');
    // Shuffled input: the order must come from the positions, not from the list.
    const shuffled = [...files].reverse();
    shuffled.push(shuffled.shift()!);
    const volume = await readDicomSeries(shuffled);
    expect(volume.shape).toEqual(info.shape);
    // Each slice is the file pydicom's order puts there.
    for (const [i, name] of info.order!.entries()) {
      const slice = await readDicom(files.find((f) => f.name === name)!.bytes);
      expect(sha256(volume.data.subarray(i * 65536, (i + 1) * 65536)), `slice ${i} should be ${name}`).toBe(sha256(slice.data));
    }
    expect(sha256(volume.data)).toBe(info.sha256);
    expect(volume.spacing![0]).toBeCloseTo(info.spacing![0]!, 9);
    expect(volume.spacing!.slice(1)).toEqual(info.spacing!.slice(1));
    expect(volume.orientation).toEqual(info.orientation);
    expect(info.uneven).toBe(true);
    expect(volume.notes?.some((n) => /uneven slice spacing/.test(n))).toBe(true);
    expect(volume.description).toMatch(/20 slices of 256×256/);
    // The brain files' windows are 0/0: no window.
    expect(volume.windows).toBeUndefined();
  });

  it('oblique series: order by position (not Instance Number or name), exact volume, spacing, uneven noted', async () => {
    const files = folder(join(DICOM, 'series-oblique'));
    const info = refInfo('series-oblique');
    expect(info.order).toEqual(['s_c.dcm', 's_a.dcm', 's_e.dcm', 's_b.dcm', 's_d.dcm']);
    const volume = await readDicomSeries(files);
    expect(volume.shape).toEqual([5, 16, 12]);
    expect(compare(volume.data, readNpyF32(join(REF, 'series-oblique.npy')))).toEqual({ maxError: 0, differing: 0 });
    // Steps 2, 2, 3, 2: the mean 2.25 mm, and a note.
    expect(volume.spacing![0]).toBeCloseTo(2.25, 3);
    expect(volume.spacing!.slice(1)).toEqual([0.6, 0.7]);
    expect(volume.notes?.join(' ')).toMatch(/uneven slice spacing/);
  });

  it('no Image Position (Patient): sorted by Instance Number, with a note; no slice spacing is made up', async () => {
    const files = folder(join(DICOM, 'series-oblique')).map((f) => {
      // (0020,0032) DS → (0021,0032): the element is still there, as a private one the reader ignores.
      const bytes = f.bytes.slice();
      const tag = [0x20, 0x00, 0x32, 0x00, 0x44, 0x53];
      const at = bytes.findIndex((_, i) => tag.every((b, k) => bytes[i + k] === b));
      expect(at).toBeGreaterThan(0);
      bytes[at] = 0x21;
      return { name: f.name, bytes };
    });
    const volume = await readDicomSeries(files);
    // Instance Numbers: s_e 1, s_d 2, s_c 3, s_b 4, s_a 5.
    const want = ['s_e.dcm', 's_d.dcm', 's_c.dcm', 's_b.dcm', 's_a.dcm'];
    for (const [i, name] of want.entries()) {
      const slice = await readDicom(files.find((f) => f.name === name)!.bytes);
      expect(sha256(volume.data.subarray(i * 192, (i + 1) * 192)), `slice ${i} should be ${name}`).toBe(sha256(slice.data));
    }
    expect(volume.notes).toContain('slices sorted by Instance Number: the files lack Image Position/Orientation (Patient)'.replace('the files lack', 'some files lack'));
    expect(volume.spacing).toBeUndefined();
  });

  it('several series: refused naming each; seriesUid picks one', async () => {
    const brain = folder(join(fixturesDir(), 'dicom', 'brain-series')).slice(0, 3);
    const oblique = folder(join(DICOM, 'series-oblique'));
    const mixed = [...brain, ...oblique];
    const err = await readDicomSeries(mixed).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DicomFormatError);
    expect((err as Error).message).toMatch(/hold 2 series: .*0\.0\.0\.0\.3\.8811\.2\.20010413115754\.12432 \(3 file\(s\).*1\.2\.826\.0\.1\.3680043\.8\.498\..* \(5 file\(s\)/);
    expect((err as Error).message).toContain('seriesUid');
    const picked = await readDicomSeries(mixed, { seriesUid: '0.0.0.0.3.8811.2.20010413115754.12432' });
    expect(picked.shape).toEqual([3, 256, 256]);
  });

  it('a slice of another size in the series, a multi-frame file, no files: typed errors', async () => {
    const brain = folder(join(fixturesDir(), 'dicom', 'brain-series')).slice(0, 3);
    // brain_003 with Rows (0028,0010) = 128: same series, another size (found from the headers, before any decoding).
    const odd = brain[2]!.bytes.slice();
    const tag = [0x28, 0x00, 0x10, 0x00, 0x55, 0x53, 0x02, 0x00];
    const at = odd.findIndex((_, i) => tag.every((b, k) => odd[i + k] === b));
    expect(at).toBeGreaterThan(0);
    odd[at + 8] = 128;
    odd[at + 9] = 0;
    const err = await readDicomSeries([brain[0]!, brain[1]!, { name: 'brain_003.dcm', bytes: odd }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DicomFormatError);
    expect((err as Error).message).toMatch(/brain_003\.dcm does not fit the series of brain_001\.dcm: 256×128 against 256×256/);
    const mf = { name: 'multiframe_fg.dcm', bytes: new Uint8Array(readFileSync(join(DICOM, 'multiframe_fg.dcm'))) };
    await expect(readDicomSeries([mf])).rejects.toThrow(/4 frames: a series is read from single-frame files/);
    await expect(readDicomSeries([])).rejects.toThrow(DicomFormatError);
  });
});
