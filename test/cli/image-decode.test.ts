/**
 * Image decoding (src/runtime/image-decode.ts) against real TensorFlow's tf.io.decode_image on a
 * tiny file of each PNG kind (fixtures/decode, made by fixtures/decode/make_refs.py): PNG must be
 * bit-exact, JPEG within a few levels (different IDCT and chroma upsampling).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage, sniffImage } from '../../src/runtime/image-decode.ts';
import { ImageInputError } from '../../src/errors.ts';

const DIR = new URL('./fixtures/decode/', import.meta.url);
const refs = JSON.parse(readFileSync(new URL('tf-decode.json', DIR), 'utf8')).refs as Record<string, { c1: number[]; c3: number[] }>;
const bytes = (name: string) => new Uint8Array(readFileSync(new URL(name, DIR)));

describe('decodeImage matches tf.io.decode_image', () => {
  const pngs = Object.keys(refs).filter((n) => n.endsWith('.png'));
  it.each(pngs)('%s, 3 channels and 1 channel, bit-exact', (name) => {
    const rgb = decodeImage(bytes(name), { channels: 3, name });
    expect([rgb.height, rgb.width, rgb.channels]).toEqual([5, 7, 3]);
    expect(Array.from(rgb.data)).toEqual(refs[name].c3);
    const grey = decodeImage(bytes(name), { channels: 1, grayscale: true, name });
    expect(grey.channels).toBe(1);
    expect(Array.from(grey.data)).toEqual(refs[name].c1);
  });

  it('JPEG within 3 levels of TensorFlow (libjpeg-turbo) for RGB and grey', () => {
    const rgb = decodeImage(bytes('rgb.jpg'), { channels: 3 });
    const grey = decodeImage(bytes('rgb.jpg'), { channels: 1, grayscale: true });
    const maxDiff = (a: Float32Array, b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect([rgb.height, rgb.width]).toEqual([16, 16]);
    expect(maxDiff(rgb.data, refs['rgb.jpg'].c3)).toBeLessThanOrEqual(3);
    expect(maxDiff(grey.data, refs['rgb.jpg'].c1)).toBeLessThanOrEqual(3);
  });

  it('grey → RGB by repetition; --grayscale with a 3-channel model gives grey in all three', () => {
    const g = decodeImage(bytes('g16.png'), { channels: 3 });
    for (let i = 0; i < g.data.length; i += 3) expect(g.data[i]).toBe(g.data[i + 2]);
    const c = decodeImage(bytes('rgb8.png'), { channels: 3, grayscale: true });
    expect(Array.from(c.data.filter((_, i) => i % 3 === 0))).toEqual(refs['rgb8.png'].c1);
  });
});

describe('decodeImage errors', () => {
  it('refuses colour → 1 channel without grayscale, naming the fix', () => {
    expect(() => decodeImage(bytes('rgb8.png'), { channels: 1, name: 'x.png' })).toThrow(/x\.png is colour .*--grayscale/);
  });
  it('names files that are not images, and corrupt PNG/JPEG', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello'), { name: 'a.txt' })).toThrow(ImageInputError);
    expect(() => decodeImage(new Uint8Array(), { name: 'e.png' })).toThrow(/e\.png is not a PNG or JPEG image \(empty file\)/);
    const png = bytes('rgb8.png').slice(0, 40);
    expect(() => decodeImage(png, { name: 'cut.png' })).toThrow(/cut\.png: could not decode the PNG/);
    const jpg = bytes('rgb.jpg').slice(0, 200);
    expect(() => decodeImage(jpg, { name: 'cut.jpg' })).toThrow(/cut\.jpg: could not decode the JPEG/);
  });
  it('tells formats by signature', () => {
    expect(sniffImage(bytes('g1.png'))).toBe('png');
    expect(sniffImage(bytes('rgb.jpg'))).toBe('jpeg');
    expect(sniffImage(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});
