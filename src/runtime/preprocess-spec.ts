/**
 * PreprocessOptions resolved against a model's declared input shape into the complete recipe the
 * GPU kernel and its CPU reference both follow, plus the one table the kernel needs.
 */
import { ImageInputError, ShapeError } from '../errors.ts';
import type { PreprocessOptions } from './preprocess-options.ts';

/** Every preprocessing parameter, defaults applied. */
export interface PreprocessSpec {
  height: number;
  width: number;
  channels: 1 | 3;
  resize: 'bilinear' | 'nearest';
  scale: number;
  offset: number;
  /** One value per channel. */
  mean: readonly number[];
  /** One value per channel, none zero. */
  std: readonly number[];
}

/**
 * Applies the defaults: size and channels from the model's declared input `[batch, H, W, C]`,
 * scale 1/255, offset 0, mean 0, std 1, bilinear. A single mean/std value applies to every channel.
 * @throws ShapeError when the model's input is not an image and the options do not say what to make.
 */
export function resolvePreprocess(options: PreprocessOptions, declared: readonly (number | null)[] | undefined): PreprocessSpec {
  const rank4 = declared?.length === 4;
  const height = options.height ?? (rank4 ? declared[1] : null);
  const width = options.width ?? (rank4 ? declared[2] : null);
  const channels = options.channels ?? (rank4 ? declared[3] : null);
  if (!height || !width) {
    throw new ShapeError(
      `The model's input [${(declared ?? []).map((d) => d ?? '?').join(', ')}] has no fixed height and width: pass height and width in the preprocess options`,
    );
  }
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
    throw new ShapeError(`Preprocess size must be positive integers, got ${height}×${width}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new ShapeError(`Images can be preprocessed into 1 or 3 channels; the model wants ${channels ?? 'an unknown number'}`);
  }
  const resize = options.resize ?? 'bilinear';
  if (resize !== 'bilinear' && resize !== 'nearest') throw new ImageInputError(`Unknown resize method "${String(resize)}"`);
  const perChannel = (v: readonly number[] | undefined, fallback: number, what: string): number[] => {
    if (v === undefined) return new Array<number>(channels).fill(fallback);
    if (v.length === 1) return new Array<number>(channels).fill(v[0]);
    if (v.length !== channels) throw new ImageInputError(`${what} needs 1 or ${channels} values, got ${v.length}`);
    return [...v];
  };
  const std = perChannel(options.std, 1, 'std');
  if (std.some((s) => s === 0 || !Number.isFinite(s))) throw new ImageInputError(`std must be finite and non-zero, got [${std.join(', ')}]`);
  return {
    height,
    width,
    channels,
    resize,
    scale: options.scale ?? 1 / 255,
    offset: options.offset ?? 0,
    mean: perChannel(options.mean, 0, 'mean'),
    std,
  };
}

/** tf.image.rgb_to_grayscale's weights (Keras' luma: ITU-R 601 rounded to 4 digits). */
export const GREY_WEIGHTS = [0.2989, 0.587, 0.114] as const;

/**
 * The products f32(f32(v / 255) · w[k]) for v = 0..255, k = R, G, B, at [k · 256 + v]: the kernel adds
 * table entries instead of multiplying, so a fused multiply-add on the GPU cannot change their rounding
 * (see shaders/preprocess.wgsl).
 */
export function greyProductTable(): Float32Array {
  const f = Math.fround;
  const inv = f(1 / 255);
  const table = new Float32Array(768);
  GREY_WEIGHTS.forEach((w, k) => {
    for (let v = 0; v < 256; v++) table[k * 256 + v] = f(f(v * inv) * f(w));
  });
  return table;
}
