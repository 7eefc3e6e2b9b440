/**
 * Image sizes are read from the PNG/JPEG header and checked against limits.maxImagePixels before
 * anything is decoded: a header declaring 100000 × 100000, a real decompression bomb and a 20000²
 * JPEG are refused with a LimitError without the process allocating their pixels; a PNG whose data
 * inflates past what its header declares is refused too. Sizes of real files are read exactly.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageInputError, LimitError } from '../../../src/errors.ts';
import { DEFAULT_LIMITS } from '../../../src/limits.ts';
import { decodeImage } from '../../../src/runtime/image-decode.ts';
import { checkImageBlob, pngDataBytes, readImageHeader } from '../../../src/runtime/image-header.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { jpegHeaderOnly, pngBomb, pngHeaderOnly, pngLyingBomb } from '../../util/hostile-images.ts';

const DECODE = join(repoRoot, 'test/cli/fixtures/decode');

/** Bytes the process holds (resident set and array buffers), for "nothing was allocated" checks. */
const held = (): number => {
  const m = process.memoryUsage();
  return m.rss + m.arrayBuffers;
};

/** The error `fn` throws (fails the test when it does not throw), and how much memory grew meanwhile. */
function thrownBy(fn: () => unknown): { error: unknown; grewBytes: number } {
  const before = held();
  try {
    fn();
  } catch (error) {
    return { error, grewBytes: held() - before };
  }
  throw new Error('expected a throw');
}

describe('readImageHeader', () => {
  it.each(['g1.png', 'g16.png', 'ga8.png', 'pal2.png', 'rgb16.png', 'rgb8.png', 'rgba8.png', 'rgb.jpg'])('%s: the size the decoder finds', (file) => {
    const bytes = new Uint8Array(readFileSync(join(DECODE, file)));
    const header = readImageHeader(bytes);
    const decoded = decodeImage(bytes, { grayscale: true });
    expect(header).toEqual({ format: file.endsWith('.jpg') ? 'jpeg' : 'png', width: decoded.width, height: decoded.height });
  });

  it('undefined for bytes that are no image or end before the size', () => {
    expect(readImageHeader(new TextEncoder().encode('not an image at all'))).toBeUndefined();
    expect(readImageHeader(pngHeaderOnly(10, 10).subarray(0, 20))).toBeUndefined();
    expect(readImageHeader(jpegHeaderOnly(10, 10).subarray(0, 22))).toBeUndefined();
  });

  it('inflated data size of a non-interlaced PNG: one filter byte per row plus the samples', () => {
    expect(pngDataBytes(pngBomb(300, 200))).toBe(200 * 301);
  });
});

describe('limits.maxImagePixels, before decoding', () => {
  it('a PNG header declaring 100000 × 100000 is a LimitError, and nothing of its size is allocated', () => {
    const { error, grewBytes } = thrownBy(() => decodeImage(pngHeaderOnly(100000, 100000), { name: 'huge.png' }));
    expect(error).toBeInstanceOf(LimitError);
    expect(error).toMatchObject({ code: 'LIMIT', limit: 'maxImagePixels', value: 1e10, max: DEFAULT_LIMITS.maxImagePixels });
    expect((error as Error).message).toBe(
      'huge.png (100000×100000) is 10000000000 pixels, over the limit of 100000000 (raise limits.maxImagePixels (mi: --max-image-pixels))',
    );
    expect(grewBytes).toBeLessThan(64 << 20);
  });

  it('a JPEG declaring 20000 × 20000 (after an APP0 segment) is a LimitError before jpeg-js runs', () => {
    const { error, grewBytes } = thrownBy(() => decodeImage(jpegHeaderOnly(20000, 20000), { name: 'big.jpg' }));
    expect(error).toMatchObject({ name: 'LimitError', limit: 'maxImagePixels', value: 4e8 });
    expect(grewBytes).toBeLessThan(64 << 20);
  });

  it('a real decompression bomb (2000 × 2000 black, a few KB) is refused under a 1-megapixel limit, and decodes under the default', () => {
    const bomb = pngBomb(2000, 2000);
    expect(bomb.length).toBeLessThan(20_000); // 4 MB of samples, 48 MB as float RGB
    const { error, grewBytes } = thrownBy(() => decodeImage(bomb, { limits: { maxImagePixels: 1e6 } }));
    expect(error).toMatchObject({ name: 'LimitError', value: 4e6, max: 1e6 });
    expect(grewBytes).toBeLessThan(16 << 20);
    const img = decodeImage(bomb);
    expect([img.width, img.height, img.channels]).toEqual([2000, 2000, 3]);
    expect(img.data.every((v) => v === 0)).toBe(true);
  });

  it('a PNG whose data inflates past its declared 64 × 64 is refused without inflating it all', () => {
    const liar = pngLyingBomb(64, 64, 400_000); // 26 MB of zeros behind a 4 KB image
    const { error, grewBytes } = thrownBy(() => decodeImage(liar, { name: 'liar.png' }));
    expect(error).toBeInstanceOf(ImageInputError);
    expect((error as Error).message).toMatch(/^liar\.png: the PNG's image data inflates to more than its header's size allows/);
    expect(grewBytes).toBeLessThan(16 << 20);
  });

  it('checkImageBlob reads a Blob header, also past 256 KiB of metadata before the JPEG frame', async () => {
    const jpeg = jpegHeaderOnly(20000, 20000);
    const app1 = new Uint8Array(65535 + 2);
    app1.set([0xff, 0xe1, 0xff, 0xff]); // APP1 of the largest length, five of them
    const padded = new Blob([jpeg.subarray(0, 2), app1, app1, app1, app1, app1, jpeg.subarray(2)]);
    await expect(checkImageBlob(padded, 'padded.jpg')).rejects.toMatchObject({ name: 'LimitError', value: 4e8 });
    await expect(checkImageBlob(new Blob([jpegHeaderOnly(640, 480)]), 'small.jpg')).resolves.toEqual({ format: 'jpeg', width: 640, height: 480 });
    await expect(checkImageBlob(new Blob([pngHeaderOnly(5000, 5000)]), 'x.png', { maxImagePixels: 2.5e7 })).resolves.toMatchObject({ width: 5000 });
  });
});
