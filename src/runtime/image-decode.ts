/**
 * Decoding PNG and JPEG bytes into pixels, with the channel conventions of TensorFlow's
 * `tf.io.decode_image(bytes, channels=...)`, which Keras' `image_dataset_from_directory` and
 * `load_img` pipelines use: so a model trained on those pipelines sees the same numbers here.
 *
 * Pure JS (npm `fast-png`, `jpeg-js`) and bytes in, pixels out: it runs unchanged in Node, in a
 * page and in a worker, with no canvas (whose colour management and premultiplied alpha would
 * change pixel values).
 *
 * Conventions, each TensorFlow's (libpng transforms in TF's png_io):
 * - 16-bit PNG samples keep their high byte (`v >> 8`, libpng's `png_set_strip_16`), as
 *   decode_image does for its default uint8 output.
 * - Palette images are expanded to RGB through the palette; alpha (tRNS or an alpha channel) is
 *   dropped, not composited.
 * - Grey becomes RGB by repeating the value; RGB becomes grey only when asked (`--grayscale`), with
 *   the ITU-R 601 weights 0.299, 0.587, 0.114 in libpng's fixed point, which is what Keras'
 *   `image_dataset_from_directory(color_mode='grayscale')` feeds a model.
 *
 * PNG decoding is bit-exact with TensorFlow 2.21 for all of the above (checked on generated files of
 * each kind). JPEG is not, and cannot be with a different decoder: TF uses libjpeg-turbo's fast
 * integer IDCT and smooth chroma upsampling, jpeg-js a float IDCT and nearest upsampling, so pixels
 * may differ by a few levels.
 */
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { ImageInputError } from '../errors.ts';
import { DEFAULT_LIMITS, type EngineLimits } from '../limits.ts';
import { checkImageHeader, pngInflatesBeyondHeader } from './image-header.ts';

/** Decoded pixels, row-major `[height, width, channels]`, values 0–255 (float32 once grey is computed). */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB): alpha is always dropped. */
  channels: 1 | 3;
  data: Float32Array;
  /** What the file held, for messages: "PNG 16-bit grey+alpha", "JPEG". */
  source: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Which image format the bytes hold, by signature, or undefined. */
export function sniffImage(bytes: Uint8Array): 'png' | 'jpeg' | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

export interface DecodeOptions {
  /** Channels wanted: 3 (RGB, the default) or 1 (grey). */
  channels?: 1 | 3;
  /** Allow RGB → grey (Keras' weights). Without it, asking for 1 channel from a colour image throws. */
  grayscale?: boolean;
  /** Name for messages (a file name). */
  name?: string;
  /** `maxImagePixels` is checked against the file's header before decoding (src/limits.ts). */
  limits?: Partial<EngineLimits>;
}

/**
 * Decodes a PNG (1–16 bit; grey, grey+alpha, RGB, RGBA, palette) or baseline/progressive JPEG.
 * @throws ImageInputError when the bytes are not a decodable PNG/JPEG, or a colour image is asked
 * for one channel without `grayscale`.
 * @throws LimitError when the header declares more than `limits.maxImagePixels` (nothing is decoded).
 */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): DecodedImage {
  const name = options.name ?? 'image';
  const kind = sniffImage(bytes);
  // The size the header declares is what a decoder allocates: refuse it before decoding.
  checkImageHeader(bytes, name, options.limits);
  if (kind === 'png' && pngInflatesBeyondHeader(bytes)) {
    throw new ImageInputError(`${name}: the PNG's image data inflates to more than its header's size allows (a decompression bomb?)`);
  }
  let raw: Samples;
  try {
    if (kind === 'png') raw = fromPng(bytes);
    else if (kind === 'jpeg') raw = fromJpeg(bytes, options.limits?.maxImagePixels ?? DEFAULT_LIMITS.maxImagePixels);
    else throw new ImageInputError(`${name} is not a PNG or JPEG image (${describe(bytes)})`);
  } catch (cause) {
    if (cause instanceof ImageInputError) throw cause;
    const why = String((cause as Error)?.message ?? cause);
    throw new ImageInputError(`${name}: could not decode the ${kind === 'png' ? 'PNG' : 'JPEG'} (${why})`, { cause });
  }
  if (raw.width === 0 || raw.height === 0) throw new ImageInputError(`${name} is empty (${raw.width}×${raw.height})`);
  const want = options.channels ?? 3;
  let samples = raw;
  if (raw.channels === 3 && (want === 1 || options.grayscale)) {
    if (!options.grayscale) {
      throw new ImageInputError(`${name} is colour (${raw.source}) but the model takes 1 channel: pass --grayscale to convert it`);
    }
    samples = toGrey(raw);
  }
  return toFloat(samples, want);
}

/** Integer samples at 8 or 16 bits, alpha already dropped, palette already expanded. */
interface Samples {
  width: number;
  height: number;
  channels: 1 | 3;
  bits: 8 | 16;
  data: ArrayLike<number>;
  source: string;
}

function describe(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty file';
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes starting ${head}`;
}

function fromPng(bytes: Uint8Array): Samples {
  const png = decodePng(bytes);
  const { width, height, depth } = png;
  const n = width * height;
  let stride = png.channels;
  let src: ArrayLike<number> = png.data;
  if (png.palette) {
    // Indices (bit-packed below 8 bits) through the palette; entries carry alpha when tRNS is present.
    src = convertIndexedToRgb(png);
    stride = png.palette[0]?.length ?? 3;
  } else if (depth < 8) {
    // Only grey comes in 1/2/4 bits; rows are bit-packed. Stretched to 0–255 like libpng's
    // png_set_expand_gray_1_2_4_to_8.
    src = unpackBits(png.data as Uint8Array, width, height, depth);
  }
  const channels = stride >= 3 ? 3 : 1;
  const data = depth === 16 && !png.palette ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = src[i * stride + c];
  }
  const kind = png.palette ? 'palette' : ['', 'grey', 'grey+alpha', 'RGB', 'RGBA'][png.channels];
  return { width, height, channels, bits: depth === 16 && !png.palette ? 16 : 8, data, source: `PNG ${depth}-bit ${kind}` };
}

/** One 0–255 sample per byte from rows of `depth`-bit grey samples (rows start on a byte boundary). */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const bytesPerRow = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const stretch = 255 / mask;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * bytesPerRow + (bit >> 3)];
      out[y * width + x] = ((byte >> (8 - depth - (bit & 7))) & mask) * stretch;
    }
  }
  return out;
}

function fromJpeg(bytes: Uint8Array, maxPixels: number): Samples {
  // formatAsRGBA=false gives 3 bytes per pixel (grey JPEGs repeated); a grey JPEG is told by equal channels.
  // jpeg-js' own resolution cap repeats the header check for frames it finds past the first.
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 2048, maxResolutionInMP: maxPixels / 1e6 });
  return { width: img.width, height: img.height, channels: 3, bits: 8, data: img.data, source: 'JPEG' };
}

/**
 * RGB → grey as TensorFlow's decode_image(channels=1) does (libpng `png_set_rgb_to_gray(1, 0.299,
 * 0.587)`): fixed-point weights 9797, 19234, 3737 (/32768); 8-bit truncates, 16-bit rounds;
 * pixels with R = G = B keep their value.
 */
function toGrey(img: Samples): Samples {
  const n = img.width * img.height;
  const src = img.data;
  const out = img.bits === 16 ? new Uint16Array(n) : new Uint8Array(n);
  const round = img.bits === 16 ? 16384 : 0;
  for (let i = 0; i < n; i++) {
    const r = src[i * 3];
    const g = src[i * 3 + 1];
    const b = src[i * 3 + 2];
    out[i] = r === g && r === b ? r : Math.floor((9797 * r + 19234 * g + 3737 * b + round) / 32768);
  }
  return { ...img, channels: 1, data: out };
}

/** To float 0–255 with `want` channels: grey repeated into RGB; 16-bit keeps its high byte. */
function toFloat(img: Samples, want: 1 | 3): DecodedImage {
  const { width, height, source } = img;
  const n = width * height;
  const shift = img.bits === 16 ? 8 : 0;
  const data = new Float32Array(n * want);
  if (img.channels === want) {
    for (let i = 0; i < n * want; i++) data[i] = img.data[i] >> shift;
  } else {
    // Only grey → RGB reaches here (colour → grey was done before).
    for (let i = 0; i < n; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = img.data[i] >> shift;
  }
  return { width, height, channels: want, data, source };
}
