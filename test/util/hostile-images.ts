/**
 * Hostile image files made in the test, never committed: headers that declare huge sizes, and
 * real decompression bombs (a few kilobytes that inflate to hundreds of megabytes), streamed through
 * fflate so making one never holds the inflated bytes.
 */
import { Zlib } from 'fflate';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function ihdr(width: number, height: number, depth: number, colorType: number): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data[8] = depth;
  data[9] = colorType;
  return chunk('IHDR', data);
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** zlib stream of `rows` rows of `rowBytes` zeros, each after its filter byte 0 (so all zeros), made a megabyte at a time. */
function zeroRows(rows: number, rowBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const z = new Zlib({ level: 6 }, (data) => parts.push(data));
  const block = new Uint8Array(1 << 20);
  for (let left = rows * (1 + rowBytes); left > 0; left -= block.length) {
    z.push(left > block.length ? block : block.subarray(0, left), left <= block.length);
  }
  return concat(parts);
}

/**
 * A valid grey 8-bit PNG of `width` × `height` black pixels: a real decompression bomb (5000 × 5000
 * is ~25 KB on disk, 25 MB inflated, 100 MB as floats, 300 MB as float RGB).
 */
export function pngBomb(width: number, height: number): Uint8Array<ArrayBuffer> {
  return concat([SIGNATURE, ihdr(width, height, 8, 0), chunk('IDAT', zeroRows(height, width)), chunk('IEND', new Uint8Array(0))]);
}

/**
 * A PNG whose IHDR declares `width` × `height` but whose data inflates to `rows` rows of that width
 * (more than a small declared size allows: a bomb that lies about its size).
 */
export function pngLyingBomb(width: number, height: number, rows: number): Uint8Array<ArrayBuffer> {
  return concat([SIGNATURE, ihdr(width, height, 8, 0), chunk('IDAT', zeroRows(rows, width)), chunk('IEND', new Uint8Array(0))]);
}

/** A PNG that is only a header declaring `width` × `height` RGB pixels, and an empty IDAT. */
export function pngHeaderOnly(width: number, height: number): Uint8Array<ArrayBuffer> {
  return concat([SIGNATURE, ihdr(width, height, 8, 2), chunk('IDAT', new Uint8Array(0)), chunk('IEND', new Uint8Array(0))]);
}

/**
 * A JPEG that declares `width` × `height` (SOF0, 3 components) after a JFIF APP0 segment, with no
 * scan data: what a decoder would allocate for before finding out there is nothing.
 */
export function jpegHeaderOnly(width: number, height: number): Uint8Array<ArrayBuffer> {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}
