/**
 * Image size from the file's header, read before anything is decoded: a PNG's IHDR or a JPEG's
 * start-of-frame segment states width and height, and a decoder allocates from them. A header
 * declaring 100000 × 100000 pixels (or a decompression bomb: a few kilobytes that inflate to
 * gigabytes) is refused here with a LimitError, so no decoder ever sees it.
 *
 * Bytes in, numbers out, no decoder and no DOM: used by decodeImage (Node, workers) and, on the
 * first bytes of a Blob, before the browser's createImageBitmap (decodeImageBitmap, the element).
 */
import { Unzlib } from 'fflate';
import { checkLimit, type EngineLimits } from '../limits.ts';

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const u32 = (b: Uint8Array, i: number): number => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const chunkType = (b: Uint8Array, i: number): string => String.fromCharCode(b[i], b[i + 1], b[i + 2], b[i + 3]);

/**
 * Width and height as the header declares them, or undefined when the bytes are not a PNG/JPEG or
 * end before the size (the decoder then reports what is wrong).
 */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    // IHDR must be the first chunk: length (4), "IHDR", width (4), height (4), ...
    if (bytes.length < 24 || chunkType(bytes, 12) !== 'IHDR') return undefined;
    return { format: 'png', width: u32(bytes, 16), height: u32(bytes, 20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegHeader(bytes);
  return undefined;
}

/**
 * Walks a JPEG's marker segments to the first start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC):
 * length (2), precision (1), height (2), width (2). Every other segment is skipped by its length.
 */
function jpegHeader(bytes: Uint8Array): ImageHeader | undefined {
  let i = 2;
  while (i + 9 <= bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: u16(bytes, i + 5), width: u16(bytes, i + 7) };
    }
    i += 2 + u16(bytes, i + 2);
  }
  return undefined;
}

/**
 * Reads the header and throws a LimitError when it declares more than `limits.maxImagePixels`.
 * Returns the header (undefined when it cannot be read: not this function's error to report).
 */
export function checkImageHeader(bytes: Uint8Array, name: string, limits?: Partial<EngineLimits>): ImageHeader | undefined {
  const header = readImageHeader(bytes);
  if (header) checkImageSize(header.width, header.height, name, limits);
  return header;
}

/** A LimitError when width × height exceeds `limits.maxImagePixels`. */
export function checkImageSize(width: number, height: number, name: string, limits?: Partial<EngineLimits>): void {
  checkLimit(limits, 'maxImagePixels', width * height, `${name} (${width}×${height})`, 'pixels');
}

/** Bytes read from a Blob for its header: JPEG metadata segments (EXIF, ICC) before the frame are rarely longer. */
const BLOB_HEAD_BYTES = 1 << 18;

/**
 * checkImageHeader on a Blob (a dropped file, a downloaded image) before the browser decodes it:
 * its first 256 KiB, or all of it when the frame header lies further in.
 */
export async function checkImageBlob(blob: Blob, name: string, limits?: Partial<EngineLimits>): Promise<ImageHeader | undefined> {
  const head = new Uint8Array(await blob.slice(0, BLOB_HEAD_BYTES).arrayBuffer());
  const header = checkImageHeader(head, name, limits);
  if (header || blob.size <= BLOB_HEAD_BYTES) return header;
  return checkImageHeader(new Uint8Array(await blob.arrayBuffer()), name, limits);
}

/**
 * The bytes a PNG's image data inflates to when it holds what its IHDR declares: one filter byte
 * per row plus the packed samples, per Adam7 pass when interlaced.
 */
export function pngDataBytes(bytes: Uint8Array): number | undefined {
  if (bytes.length < 29 || readImageHeader(bytes)?.format !== 'png') return undefined;
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  const depth = bytes[24];
  const samples = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[bytes[25]];
  if (!samples) return undefined;
  const rowBytes = (w: number): number => (w > 0 ? 1 + Math.ceil((w * samples * depth) / 8) : 0);
  if (bytes[28] !== 1) return height * rowBytes(width);
  // Adam7: [x0, y0, dx, dy] of each pass.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * rowBytes(w);
  }
  return total;
}

/**
 * True when the PNG's IDAT stream inflates to more than its IHDR allows (a bomb with a small
 * declared size, which the decoder would inflate in full before noticing). Inflates in small steps
 * and keeps nothing, so it never holds more than a few megabytes however much the data claims.
 */
export function pngInflatesBeyondHeader(bytes: Uint8Array): boolean {
  const expected = pngDataBytes(bytes);
  if (expected === undefined) return false;
  const allowed = expected + 1024; // zlib trailers and encoders' slack are tiny
  let total = 0;
  const over = new Error('over');
  const inflater = new Unzlib((chunk) => {
    total += chunk.length;
    if (total > allowed) throw over;
  });
  const STEP = 1 << 10; // ≤ 1 MB of output per push at deflate's 1032:1 maximum
  try {
    for (let p = 8; p + 8 <= bytes.length; ) {
      const length = u32(bytes, p);
      const type = chunkType(bytes, p + 4);
      if (type === 'IEND') break;
      if (type === 'IDAT') {
        const end = Math.min(bytes.length, p + 8 + length);
        for (let s = p + 8; s < end; s += STEP) inflater.push(bytes.subarray(s, Math.min(end, s + STEP)), false);
      }
      p += 12 + length;
    }
  } catch (err) {
    if (err === over) return true;
    return false; // corrupt data: the decoder says so in its own words
  }
  return false;
}
