/**
 * `--image` preprocessing on the CPU, the way Keras' image pipelines prepare a picture for a model:
 * decode (TF decode_image conventions) → resize with tf.image.resize bilinear, half-pixel centres,
 * no antialias (what image_dataset_from_directory does) → x * scale + offset (→ (x − mean) / std)
 * → a batch of one. The values come from the engine's one resolution (runtime/preprocess-resolve.ts):
 * flags, else the model's metadata.json, else its input Rescaling layer, else 1/255.
 */
import { ImageInputError } from '../../errors.ts';
import { resizeImageBilinear, resizeImageNearest } from '../../runtime/image-resize.ts';
import { decodeImage } from '../../runtime/image-decode.ts';
import { checkLimit, type EngineLimits } from '../../limits.ts';
import type { Tensor } from '../../tensor.ts';

/**
 * How pixel values (0–255) are scaled. `1/N` divides by N in float32 (bit-identical to the
 * `x / 255.0` that Keras examples and our references use); a plain number multiplies, as
 * `keras.layers.Rescaling(scale, offset)` does.
 */
export type Scale = { divide: number } | { multiply: number };

/** Parses `--scale`: `1/255`, `0.00392`, `2`. */
export function parseScale(text: string): Scale {
  const frac = /^\s*1\s*\/\s*([0-9.eE+-]+)\s*$/.exec(text);
  if (frac) {
    const d = Number(frac[1]);
    if (Number.isFinite(d) && d !== 0) return { divide: d };
  } else {
    const m = Number(text);
    if (text.trim() !== '' && Number.isFinite(m)) return { multiply: m };
  }
  throw new RangeError(`--scale must be a number or 1/N (like 1/255), got "${text}"`);
}

/** A resolved scale as the CPU applies it: reciprocals of whole numbers (1/255) divide, exactly as `x / 255.0`. */
export function scaleFrom(scale: number): Scale {
  const inverse = Math.round(1 / scale);
  return scale > 0 && scale < 1 && Math.abs(1 / scale - inverse) < 1e-9 * inverse ? { divide: inverse } : { multiply: scale };
}

/** The number a Scale multiplies by. */
export const scaleValue = (scale: Scale): number => ('divide' in scale ? 1 / scale.divide : scale.multiply);

/** Parses `--size`: `HxW` or `N` (square). */
export function parseSize(text: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[x×X,]\s*(\d+))?\s*$/.exec(text);
  const h = m ? Number(m[1]) : NaN;
  const w = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(h > 0 && w > 0)) throw new RangeError(`--size must be HxW or N (like 224x224 or 224), got "${text}"`);
  return [h, w];
}

export interface ImageInputOptions {
  /** Output height and width. */
  size: [number, number];
  /** 1 or 3: what the model takes. */
  channels: 1 | 3;
  /** tf.image.resize's method (default bilinear). */
  resize?: 'bilinear' | 'nearest';
  scale: Scale;
  offset: number;
  /** Subtracted after scale and offset: one value, or one per channel (default 0). */
  mean?: readonly number[];
  /** Divides last: one value, or one per channel (default 1). */
  std?: readonly number[];
  /** Convert colour to grey (TF decode_image(channels=1) weights). */
  grayscale: boolean;
  /** File name for messages. */
  name: string;
  /** The engine's limits: maxImagePixels (the file's header) and maxTensorElements (the resized tensor). */
  limits?: Partial<EngineLimits>;
}

/** Encoded image bytes → a `[1, H, W, C]` float32 tensor ready for the model. */
export function imageToTensor(bytes: Uint8Array, options: ImageInputOptions): Tensor {
  const [h, w] = options.size;
  // The resize allocates h × w × channels floats: a huge --size (or declared input) stops here.
  checkLimit(options.limits, 'maxTensorElements', h * w * options.channels, `the resized image [1, ${h}, ${w}, ${options.channels}]`, 'elements');
  const img = decodeImage(bytes, { channels: options.channels, grayscale: options.grayscale, name: options.name, limits: options.limits });
  return pixelsToTensor(img, options);
}

/**
 * Pixels already decoded (0..255-style float32, HWC, `channels` as the model wants) → resized and
 * scaled `[1, H, W, C]`: the second half of imageToTensor, shared with medical images (their
 * windowed intensities, see medical-image-input.ts).
 */
export function pixelsToTensor(img: { width: number; height: number; channels: 1 | 3; data: Float32Array }, options: ImageInputOptions): Tensor {
  const [h, w] = options.size;
  checkLimit(options.limits, 'maxTensorElements', h * w * options.channels, `the resized image [1, ${h}, ${w}, ${options.channels}]`, 'elements');
  const resize = options.resize === 'nearest' ? resizeImageNearest : resizeImageBilinear;
  const resized = resize({ shape: [1, img.height, img.width, img.channels], data: img.data }, h, w);
  normalise(resized.data, img.channels, options);
  return resized;
}

/** In place: x · scale + offset, then (x − mean) / std per channel, each step rounded to float32 as TF's ops are. */
export function normalise(out: Float32Array, C: number, options: Pick<ImageInputOptions, 'scale' | 'offset' | 'mean' | 'std'>): void {
  const { offset, scale } = options;
  // Float32Array stores round each step to float32, as TF's float32 ops do.
  if ('divide' in scale) for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i] / scale.divide) + offset;
  else for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i] * scale.multiply) + offset;
  const mean = options.mean ?? [0];
  const std = options.std ?? [1];
  if (mean.some((m) => m !== 0) || std.some((s) => s !== 1)) {
    for (const [what, v] of [['mean', mean], ['std', std]] as const) {
      if (v.length !== 1 && v.length !== C) throw new ImageInputError(`${what} needs 1 or ${C} values, got ${v.length}`);
    }
    const at = (v: readonly number[], c: number) => v[v.length === 1 ? 0 : c];
    for (let i = 0; i < out.length; i++) out[i] = (out[i] - at(mean, i % C)) / at(std, i % C);
  }
}

/**
 * The image size and channel count a model wants, from its declared input shape `[null, H, W, C]`
 * (`--size` and `--grayscale` decide what the model leaves open).
 */
export function imageShapeFor(
  declared: readonly (number | null)[],
  size: [number, number] | undefined,
  grayscale: boolean,
): { size: [number, number]; channels: 1 | 3 } {
  const shown = `[${declared.map((d) => (d === null ? '?' : d)).join(', ')}]`;
  if (declared.length !== 4) {
    throw new ImageInputError(`--image needs a model with an image input [batch, H, W, C]; this one takes ${shown}`);
  }
  const [, h, w, c] = declared;
  let resolved = size;
  if (!resolved) {
    if (h === null || w === null) {
      throw new ImageInputError(`the model does not fix its input size (${shown}): pass --size HxW`);
    }
    resolved = [h, w];
  }
  const channels = c === null ? (grayscale ? 1 : 3) : c;
  if (channels !== 1 && channels !== 3) {
    throw new ImageInputError(`--image gives 1 or 3 channels, but the model takes ${channels} (${shown}): use --input with a .npy`);
  }
  return { size: resolved, channels };
}
