/**
 * PNG → MedicalImage without losing bits: a 16-bit PNG keeps all 16 (values 0..65535), unlike the
 * model-image path (runtime/image-decode.ts) which keeps TensorFlow's convention of the high byte.
 * Grey (+alpha) gives [rows, cols]; RGB(A) gives [rows, cols, 3]; alpha is dropped. PNGs of 8 bits or
 * fewer, and palette PNGs, come through decodeImage (values 0..255), so loadImage takes any PNG.
 *
 * Each image carries one window: the full range of its samples (centre 2^(n−1), width 2^n, which the
 * DICOM LINEAR formula maps to x / (2^n − 1) exactly), so the 'from-file' window of a PNG leaves its
 * values as they are instead of stretching them to min..max.
 */
import { decode as decodePng } from 'fast-png';
import { ImageInputError } from '../errors.ts';
import type { EngineLimits } from '../limits.ts';
import { checkImageHeader, pngInflatesBeyondHeader } from './image-header.ts';
import { decodeImage } from './image-decode.ts';
import type { MedicalImage, VoiWindow } from '../formats/medical/types.ts';

/** The window that maps n-bit samples 0..2^n−1 onto [0, 1] unchanged in shape. */
const fullRange = (bits: number): VoiWindow => ({ center: 2 ** (bits - 1), width: 2 ** bits, explanation: `the full range of ${bits}-bit samples` });

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const isPng = (bytes: Uint8Array): boolean => bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);

/** IHDR's bit depth and colour type (bytes 24 and 25 of a well-formed PNG), or undefined. */
export function pngFormat(bytes: Uint8Array): { depth: number; colourType: number } | undefined {
  if (!isPng(bytes) || bytes.length < 26) return undefined;
  return { depth: bytes[24], colourType: bytes[25] };
}

/** Reads a PNG as intensities in the file's own units. */
export function readPng(bytes: Uint8Array, options: { name?: string; limits?: Partial<EngineLimits> } = {}): MedicalImage {
  const name = options.name ?? 'PNG image';
  const format = pngFormat(bytes);
  if (!format) throw new ImageInputError(`${name} is not a PNG`);
  const grey = format.colourType === 0 || format.colourType === 4;
  if (format.depth !== 16) {
    const img = decodeImage(bytes, { name, limits: options.limits, channels: grey ? 1 : 3 });
    return {
      format: 'png',
      name,
      data: img.data,
      shape: img.channels === 1 ? [img.height, img.width] : [img.height, img.width, 3],
      channels: img.channels,
      windows: [fullRange(8)],
      description: img.source,
    };
  }
  checkImageHeader(bytes, name, options.limits);
  if (pngInflatesBeyondHeader(bytes)) throw new ImageInputError(`${name}: the PNG's image data inflates to more than its header's size allows (a decompression bomb?)`);
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (cause) {
    throw new ImageInputError(`${name}: could not decode the PNG (${String((cause as Error)?.message ?? cause)})`, { cause });
  }
  const { width, height } = png;
  const stride = png.channels;
  const channels: 1 | 3 = stride >= 3 ? 3 : 1;
  const n = width * height;
  const src = png.data as Uint16Array;
  const data = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = src[i * stride + c];
  const kind = ['', 'grey', 'grey+alpha', 'RGB', 'RGBA'][stride];
  return {
    format: 'png',
    name,
    data,
    shape: channels === 1 ? [height, width] : [height, width, 3],
    channels,
    windows: [fullRange(16)],
    description: `PNG 16-bit ${kind}, ${width}×${height}`,
  };
}
