/**
 * 16-bit PNGs keep every bit (values 0..65535) through readPng, while the model-image path keeps
 * TensorFlow's high byte. Files are written by a minimal PNG writer here (node:zlib + CRC-32, no PNG
 * library), so the reader is not checked against its own encoder.
 */
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ImageInputError } from '../../../src/errors.ts';
import { readPng } from '../../../src/runtime/png16.ts';
import { decodeImage } from '../../../src/runtime/image-decode.ts';

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** A 16-bit PNG of `samples` (row-major, `channels` per pixel: 1 grey, 2 grey+alpha, 3 RGB). */
function png16(width: number, height: number, channels: 1 | 2 | 3, samples: Uint16Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = { 1: 0, 2: 4, 3: 2 }[channels];
  const rowBytes = width * channels * 2;
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * channels; x++) raw.writeUInt16BE(samples[y * width * channels + x], y * (rowBytes + 1) + 1 + x * 2);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Deterministic samples that use the low byte (so dropping it would show). */
function samples(n: number): Uint16Array {
  const s = new Uint16Array(n);
  for (let i = 0; i < n; i++) s[i] = (i * 40503 + 12345) & 0xffff;
  s[0] = 0;
  s[1] = 65535;
  s[2] = 1;
  return s;
}

describe('readPng: 16-bit PNG without losing bits', () => {
  it('grey: [rows, cols], every value exact', () => {
    const s = samples(7 * 5);
    const img = readPng(png16(7, 5, 1, s), { name: 'x.png' });
    expect(img.format).toBe('png');
    expect(img.shape).toEqual([5, 7]);
    expect(img.channels).toBe(1);
    expect(Array.from(img.data)).toEqual(Array.from(s));
    expect(img.description).toMatch(/16-bit grey/);
  });

  it('grey+alpha: alpha dropped, grey exact', () => {
    const s = samples(4 * 3 * 2);
    const img = readPng(png16(4, 3, 2, s));
    expect(img.shape).toEqual([3, 4]);
    expect(Array.from(img.data)).toEqual(Array.from(s).filter((_, i) => i % 2 === 0));
  });

  it('RGB: [rows, cols, 3], exact', () => {
    const s = samples(3 * 2 * 3);
    const img = readPng(png16(3, 2, 3, s));
    expect(img.shape).toEqual([2, 3, 3]);
    expect(Array.from(img.data)).toEqual(Array.from(s));
  });

  it('the model-image path still keeps only the high byte (TensorFlow), so the two differ', () => {
    const s = samples(6);
    const bytes = png16(3, 2, 1, s);
    expect(Array.from(decodeImage(bytes, { channels: 1 }).data)).toEqual(Array.from(s, (v) => v >> 8));
    expect(Array.from(readPng(bytes).data)).toEqual(Array.from(s));
  });

  it('refuses what is not a PNG, and a header over maxImagePixels', () => {
    expect(() => readPng(new Uint8Array([1, 2, 3]), { name: 'nope.png' })).toThrow(ImageInputError);
    expect(() => readPng(png16(10, 10, 1, samples(100)), { limits: { maxImagePixels: 99 } })).toThrow(/over the limit/);
  });
});
