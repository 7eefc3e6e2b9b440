/**
 * Malformed DICOM gets a typed error naming the file and the problem, never a hang or a crash:
 * truncated pixel data, a lying element length, a 60000 × 60000 header (LimitError before any
 * allocation), a transfer syntax without a decoder (named by UID and name), a corrupt JPEG-LS frame
 * (the codec's failure as DicomFormatError), not DICOM at all, an aborted read.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, DicomFormatError, EngineError, LimitError } from '../../../src/errors.ts';
import { readDicom } from '../../../src/formats/dicom/index.ts';
import { fixture } from './dicom-refs.ts';

async function failure(bytes: Uint8Array, name: string, options = {}): Promise<Error & { code?: string }> {
  const err = await readDicom(bytes, { name, ...options }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err, `${name} should fail`).toBeDefined();
  return err!;
}

describe('malformed DICOM: typed errors', () => {
  it('truncated pixel data', async () => {
    const err = await failure(fixture('bad/truncated_pixels.dcm'), 'truncated_pixels.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    expect(err.code).toBe('DICOM_FORMAT');
    expect(err.message).toBe('truncated_pixels.dcm: the pixel data is truncated: the header declares 8192 bytes, the file holds 4096');
  });

  it('a lying length (Patient Name declaring 32752 bytes in a 9 kB file)', async () => {
    const err = await failure(fixture('bad/lying_length.dcm'), 'lying_length.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    expect(err.message).toMatch(/^lying_length\.dcm: element \(0010,0010\) declares a length of 32752 bytes at offset \d+, past the end of the file \(9192 bytes\)/);
  });

  it('a 60000 × 60000 header: LimitError on maxImagePixels before allocating; a raised limit moves on to the next check', async () => {
    const err = await failure(fixture('bad/huge_60000.dcm'), 'huge_60000.dcm');
    expect(err).toBeInstanceOf(LimitError);
    expect(err).toMatchObject({ limit: 'maxImagePixels', value: 3.6e9, max: 1e8 });
    expect(err.message).toContain('huge_60000.dcm" (60000×60000)');
    const err2 = await failure(fixture('bad/huge_60000.dcm'), 'huge_60000.dcm', { limits: { maxImagePixels: 4e9 } });
    expect(err2).toMatchObject({ name: 'LimitError', limit: 'maxTensorElements' });
  });

  it('a transfer syntax without a decoder: its UID and name', async () => {
    const err = await failure(fixture('bad/unknown_syntax.dcm'), 'unknown_syntax.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    expect(err.message).toBe('unknown_syntax.dcm: transfer syntax 1.2.840.10008.1.2.4.100 (MPEG2 Main Profile / Main Level) has no decoder in this reader');
  });

  it('a corrupt JPEG-LS frame: the codec failure as a DicomFormatError naming frame and syntax', async () => {
    const err = await failure(fixture('bad/corrupt_jpegls.dcm'), 'corrupt_jpegls.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    // CharLS's own words (its C++ exception's what()), not a bare WebAssembly pointer.
    expect(err.message).toBe('corrupt_jpegls.dcm: frame 1 (JPEG-LS Lossless): the jpeg-ls decoder rejected the frame: Invalid JPEG-LS stream, the encoded bit stream contains a general structural problem');
    // The codec is still usable afterwards.
    await expect(readDicom(fixture('jpegls_lossless.dcm'))).resolves.toMatchObject({ shape: [64, 64] });
  });

  it('not DICOM: a PNG, an empty file, a data set cut inside its header', async () => {
    const png = new Uint8Array(300);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect((await failure(png, 'x.png')).message).toBe('x.png is not a DICOM file: no "DICM" at byte 128 and it does not start like a DICOM data set');
    expect(await failure(new Uint8Array(0), 'empty.dcm')).toBeInstanceOf(DicomFormatError);
    const cut = fixture('ct_signed16.dcm').subarray(0, 400);
    const err = await failure(cut, 'cut.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    expect(err.message).toMatch(/^cut\.dcm: /);
  });

  it('every truncation point of a small file fails typed or reads; none throws anything else', async () => {
    const whole = fixture('rle_ct.dcm');
    for (let end = 0; end < whole.length; end += 97) {
      const r = await readDicom(whole.subarray(0, end), { name: 'cut' }).then(() => 'ok', (e: unknown) => e);
      if (r !== 'ok') expect(r, `cut at ${end}`).toBeInstanceOf(DicomFormatError);
    }
  });

  it('more frames declared than the pixel data holds: refused before the output is allocated', async () => {
    const bytes = fixture('multiframe_fg.dcm').slice();
    // Number of Frames (0028,0008) IS "4 " → "9 ".
    const tag = [0x28, 0x00, 0x08, 0x00, 0x49, 0x53, 0x02, 0x00];
    const at = bytes.findIndex((_, i) => tag.every((b, k) => bytes[i + k] === b));
    expect(at).toBeGreaterThan(0);
    bytes[at + 8] = 0x39;
    const err = await failure(bytes, 'nine.dcm');
    expect(err).toBeInstanceOf(DicomFormatError);
    expect(err.message).toBe('nine.dcm: the pixel data is truncated: 8192 bytes where the header (rows × columns × samples × bits × 9 frame(s)) needs 18432');
  });

  it('300 random byte mutations of nine fixtures: each reads or fails with an engine error, none hangs', async () => {
    let seed = 20261203;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const names = ['ct_signed16', 'rle_ct', 'jpegls_lossless', 'j2k_lossless', 'multiframe_fg', 'voi_lut', 'deflated', 'ybr422_jpeg', 'explicit_big'];
    const untyped: string[] = [];
    for (let k = 0; k < 300; k++) {
      const name = names[k % names.length]!;
      const bytes = fixture(`${name}.dcm`).slice();
      // Half the mutations in the header (first 900 bytes), half anywhere.
      const span = k % 2 ? bytes.length : 900;
      for (let j = 0; j < 1 + Math.floor(random() * 4); j++) bytes[Math.floor(random() * span)] = Math.floor(random() * 256);
      const err = await readDicom(bytes, { name }).then(() => undefined, (e: unknown) => e);
      if (err !== undefined && !(err instanceof EngineError)) untyped.push(`${name} #${k}: ${String(err)}`);
    }
    expect(untyped).toEqual([]);
  });

  it('an aborted read: AbortError', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    const err = await failure(fixture('ct_signed16.dcm'), 'ct', { signal: controller.signal });
    expect(err).toBeInstanceOf(AbortError);
    expect(err.message).toContain('user left');
  });
});
