/**
 * readDicom against pydicom 2.3.1 (references by scripts/fixtures/make_dicom_fixtures.py):
 * apply_modality_lut(ds.pixel_array, ds) as float32, for every transfer syntax the reader decodes
 * (native LE/BE/implicit/deflated, RLE, JPEG baseline, 12-bit extended, lossless SV1, JPEG-LS
 * lossless and near-lossless, JPEG 2000 lossless and lossy), signed data with junk above High Bit,
 * MONOCHROME1, per-frame functional-group rescale, RGB planar, YBR_FULL and YBR_FULL_422, the
 * Modality LUT Sequence, and the four shared files. Decoding is pure JS/WASM: it runs in Node.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isDicom, readDicom } from '../../../src/formats/dicom/index.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { compare, fixture, readNpyF32, REF, refInfo, sha256, strided } from './dicom-refs.ts';

const OWN = [
  'ct_signed16', 'ct_12bit_masked', 'implicit_le', 'explicit_big', 'deflated', 'no_preamble', 'rle_ct', 'rgb_rle', 'jpeg_lossless_p14',
  'jpegls_lossless', 'jpegls_near', 'j2k_lossless', 'j2k_lossy', 'jpeg12_extended', 'ybr422_jpeg', 'ybr_full',
  'rgb_planar', 'mono1', 'sigmoid_u8', 'multiframe_fg', 'voi_lut', 'modality_lut', 'bits1', 's32',
];

describe('readDicom against pydicom', () => {
  for (const name of OWN) {
    it(`${name}: equals the reference exactly, with its shape and photometric`, async () => {
      const image = await readDicom(fixture(`${name}.dcm`), { name });
      const info = refInfo(name);
      const ref = readNpyF32(join(REF, `${name}.npy`));
      expect(image.shape).toEqual(info.shape);
      expect(image.data.length).toBe(ref.length);
      expect(image.photometric).toBe(info.photometric);
      expect(image.channels).toBe(info.shape[info.shape.length - 1] === 3 ? 3 : 1);
      // Integer data, and float values rounded once to float32 like pydicom's float64 cast: exact.
      expect(compare(image.data, ref)).toEqual({ maxError: 0, differing: 0 });
      // multiframe_fg's window is in frame 1's Frame VOI LUT macro (functional groups), which pydicom does not read.
      const windows = name === 'multiframe_fg' ? [{ center: 500, width: 1000, function: 'LINEAR' }] : info.windows;
      expect(image.windows ?? []).toEqual(windows.map((w) => expect.objectContaining({ center: w.center, width: w.width, function: w.function })));
    });
  }

  for (const name of ['explicit_little', 'jpeg_baseline_8bit', 'jpeg_lossless_sel1', 'rle']) {
    it(`shared ${name}.dcm: the float32 bytes hash to pydicom's`, async () => {
      const bytes = new Uint8Array(readFileSync(join(fixturesDir(), 'dicom', `${name}.dcm`)));
      const image = await readDicom(bytes, { name });
      const info = refInfo(`shared_${name}`);
      expect(image.shape).toEqual(info.shape);
      // On a mismatch the strided sample says where before the hash says that.
      expect(compare(strided(image.data, image.shape), readNpyF32(join(REF, `shared_${name}.sample.npy`)))).toEqual({ maxError: 0, differing: 0 });
      expect(sha256(image.data)).toBe(info.sha256);
    });
  }

  it('the header facts: spacing, orientation, MONOCHROME1 flagged (not inverted in data), descriptions', async () => {
    const ct = await readDicom(fixture('ct_signed16.dcm'), { name: 'ct' });
    expect(ct.spacing).toEqual([0.75, 0.8]);
    expect(ct.orientation).toEqual([1, 0, 0, 0, 1, 0]);
    expect(ct.windows).toEqual([
      { center: 40, width: 400, function: 'LINEAR', explanation: 'SOFT TISSUE' },
      { center: -600, width: 1500, function: 'LINEAR', explanation: 'LUNG' },
    ]);
    expect(ct.description).toMatch(/^DICOM Explicit VR Little Endian, 16-bit signed MONOCHROME2, 64×64$/);
    const mono1 = await readDicom(fixture('mono1.dcm'));
    expect(mono1.inverted).toBe(true);
    expect(ct.inverted).toBeUndefined();
    const mf = await readDicom(fixture('multiframe_fg.dcm'));
    // Pixel Measures from the shared functional group, 2 mm between the per-frame positions.
    expect(mf.spacing).toEqual([2, 0.5, 0.5]);
    expect(mf.description).toContain('4 frames');
    const lut = await readDicom(fixture('voi_lut.dcm'));
    expect(lut.voiLut).toMatchObject({ firstMapped: 100, bits: 12, explanation: 'GAMMA 0.6' });
    expect(lut.voiLut!.table.length).toBe(2048);
    const j2k = await readDicom(fixture('j2k_lossy.dcm'));
    expect(j2k.description).toContain('JPEG 2000 (lossy)');
  });

  it('bare data sets (no preamble, no meta header): implicit and explicit VR sniffed, same values', async () => {
    for (const file of ['implicit_le.dcm', 'ct_signed16.dcm']) {
      const whole = fixture(file);
      // (0002,0000) File Meta Information Group Length, UL, right after "DICM": the data set follows the group.
      const groupLength = new DataView(whole.buffer, whole.byteOffset).getUint32(132 + 8, true);
      const bare = whole.subarray(132 + 12 + groupLength);
      expect(isDicom(bare)).toBe(true);
      const image = await readDicom(bare, { name: `bare ${file}` });
      expect(compare(image.data, readNpyF32(join(REF, 'ct_signed16.npy')))).toEqual({ maxError: 0, differing: 0 });
      expect(image.description).toContain(file === 'implicit_le.dcm' ? 'Implicit VR Little Endian' : 'Explicit VR Little Endian');
    }
  });

  it('isDicom: Part 10, no preamble, bare data sets; not PNG, zip or text', () => {
    expect(isDicom(fixture('ct_signed16.dcm'))).toBe(true);
    expect(isDicom(fixture('no_preamble.dcm'))).toBe(true);
    expect(isDicom(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]))).toBe(false);
    expect(isDicom(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]))).toBe(false);
    expect(isDicom(new TextEncoder().encode('hello, this is text not DICOM'))).toBe(false);
    expect(isDicom(new Uint8Array(0))).toBe(false);
  });
});
