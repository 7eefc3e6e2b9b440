/**
 * CPU reference of image preprocessing, the definition of correct for shaders/preprocess.wgsl:
 *
 *   decoded pixels (0..255, 1/3/4 channels)
 *   → the model's channels, per source pixel: alpha dropped, grey repeated into RGB, or RGB → grey by
 *     tf.image.rgb_to_grayscale on uint8 (so BEFORE resizing, as decode → rgb_to_grayscale → resize
 *     does in a Keras/tf.data pipeline)
 *   → tf.image.resize(method='bilinear' | 'nearest', antialias=False), half-pixel centres
 *     (src/reference/resize2d.ts, bit-exact with TensorFlow)
 *   → x = ((v · scale + offset) − mean[c]) / std[c], every step rounded to float32.
 *
 * This is Keras' image_dataset_from_directory / Resizing convention, not PIL's (keras.utils.load_img),
 * whose bilinear filter antialiases when downscaling.
 */
import type { PixelImage } from '../runtime/preprocess-options.ts';
import { GREY_WEIGHTS, type PreprocessSpec } from '../runtime/preprocess-spec.ts';
import type { Tensor } from '../tensor.ts';
import { resizeBilinear, resizeNearest } from './resize2d.ts';

const f = Math.fround;

/**
 * tf.image.rgb_to_grayscale on uint8 pixels: convert_image_dtype to float (× f32(1/255)), a dot
 * product with 0.2989, 0.587, 0.114 in float32, left to right, and back to uint8 by convert_image_dtype
 * (× 255.5, truncated).
 */
export function rgbToGreyU8(r: number, g: number, b: number): number {
  const inv = f(1 / 255);
  const [wr, wg, wb] = GREY_WEIGHTS.map(f);
  const sum = f(f(f(f(r * inv) * wr) + f(f(g * inv) * wg)) + f(f(b * inv) * wb));
  return Math.trunc(f(sum * f(255.5)));
}

/** One image as float32 `[1, H, W, channels]`, channels converted as described in the file comment. */
export function toModelChannels(image: PixelImage, channels: 1 | 3): Tensor {
  const { width, height, data } = image;
  const c = image.channels;
  const n = width * height;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const at = i * c;
    if (c === 1) {
      for (let k = 0; k < channels; k++) out[i * channels + k] = data[at];
    } else if (channels === 3) {
      out[i * 3] = data[at];
      out[i * 3 + 1] = data[at + 1];
      out[i * 3 + 2] = data[at + 2];
    } else {
      out[i] = rgbToGreyU8(data[at], data[at + 1], data[at + 2]);
    }
  }
  return { shape: [1, height, width, channels], data: out };
}

/** Preprocesses images (any sizes) into one batch `[N, spec.height, spec.width, spec.channels]`. */
export function preprocessReference(images: readonly PixelImage[], spec: PreprocessSpec): Tensor {
  const { height, width, channels } = spec;
  const per = height * width * channels;
  const data = new Float32Array(images.length * per);
  const scale = f(spec.scale);
  const offset = f(spec.offset);
  const mean = spec.mean.map(f);
  const std = spec.std.map(f);
  images.forEach((image, i) => {
    const src = toModelChannels(image, channels);
    const resized = spec.resize === 'nearest' ? resizeNearest(src, height, width) : resizeBilinear(src, height, width);
    for (let k = 0; k < per; k++) {
      const c = k % channels;
      data[i * per + k] = f(f(f(f(resized.data[k] * scale) + offset) - mean[c]) / std[c]);
    }
  });
  return { shape: [images.length, height, width, channels], data };
}
