/**
 * PNG → MedicalImage without losing bits: intensities in the file's own units (0..2^depth − 1), so a
 * 16-bit PNG keeps all 16 (values 0..65535), unlike the model-image path (runtime/image-decode.ts)
 * which keeps TensorFlow's convention of the high byte. Grey (+alpha) gives [rows, cols]; RGB(A) and
 * palette images give [rows, cols, 3]; alpha is dropped. fast-png only (no JPEG decoder), so a page
 * that reads medical images does not bring in jpeg-js.
 *
 * Each image carries one window: the full range of its samples (centre 2^(n−1), width 2^n, which the
 * DICOM LINEAR formula maps to x / (2^n − 1) exactly), so the 'from-file' window of a PNG leaves its
 * values as they are instead of stretching them to min..max.
 */
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import { ImageInputError } from '../errors.ts';
import type { EngineLimits } from '../limits.ts';
import { checkImageHeader, pngInflatesBeyondHeader } from './image-header.ts';
import type { MedicalImage, VoiWindow } from '../formats/medical/types.ts';

/** The window that maps n-bit samples 0..2^n−1 onto [0, 1] unchanged in shape. */
const fullRange = (bits: number): VoiWindow => ({ center: 2 ** (bits - 1), width: 2 ** bits, explanation: `the full range of ${bits}-bit samples` });

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (bytes: Uint8Array): boolean => bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);

/** Reads a PNG as intensities in the file's own units. */
export function readPng(bytes: Uint8Array, options: { name?: string; limits?: Partial<EngineLimits> } = {}): MedicalImage {
  const name = options.name ?? 'PNG image';
  if (!isPng(bytes)) throw new ImageInputError(`${name} is not a PNG`);
  checkImageHeader(bytes, name, options.limits);
  if (pngInflatesBeyondHeader(bytes)) throw new ImageInputError(`${name}: the PNG's image data inflates to more than its header's size allows (a decompression bomb?)`);
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (cause) {
    throw new ImageInputError(`${name}: could not decode the PNG (${String((cause as Error)?.message ?? cause)})`, { cause });
  }
  const { width, height } = png;
  let stride = png.channels;
  let src: ArrayLike<number> = png.data;
  let bits = png.depth;
  if (png.palette) {
    src = convertIndexedToRgb(png);
    stride = png.palette[0]?.length ?? 3;
    bits = 8;
  } else if (png.depth < 8) {
    src = unpackBits(png.data as Uint8Array, width, height, png.depth);
  }
  const channels: 1 | 3 = stride >= 3 ? 3 : 1;
  const n = width * height;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = src[i * stride + c];
  const kind = png.palette ? 'palette' : ['', 'grey', 'grey+alpha', 'RGB', 'RGBA'][png.channels];
  return {
    format: 'png',
    name,
    data,
    shape: channels === 1 ? [height, width] : [height, width, 3],
    channels,
    windows: [fullRange(bits)],
    description: `PNG ${png.depth}-bit ${kind}, ${width}×${height}`,
  };
}

/** Grey samples of 1, 2 or 4 bits (rows start on a byte boundary), one per element, unscaled. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const bytesPerRow = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * bytesPerRow + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}
