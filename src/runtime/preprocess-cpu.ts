/**
 * Image preprocessing on the CPU, for models that run without WebGPU (the WebAssembly backend):
 * the recipe of shaders/preprocess.wgsl and its CPU reference (src/reference/preprocess.ts), in the
 * same float32 steps:
 *
 *   pixels (0..255) → the model's channels per source pixel (alpha dropped, grey repeated, or RGB →
 *   grey by tf.image.rgb_to_grayscale on uint8) → tf.image.resize bilinear | nearest, half-pixel
 *   centres (runtime/image-resize.ts) → ((v · scale + offset) − mean[c]) / std[c].
 *
 * Browser images (ImageBitmap, <img>, canvas, video) are read back through a 2-D canvas. An
 * ImageBitmap made as decodeImageBitmap makes it (no colour conversion, no premultiplied alpha)
 * gives the file's own bytes for opaque images, which is what the GPU's texture copy reads too.
 */
import { ImageInputError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { resizeImageBilinear, resizeImageNearest } from './image-resize.ts';
import type { ImageInput, PixelImage } from './preprocess-options.ts';
import { GREY_WEIGHTS, type PreprocessSpec } from './preprocess-spec.ts';
import { classifyImage, type ImageSource } from './preprocess-source.ts';

const f = Math.fround;

/** Whether this runtime can read a browser image's pixels (a 2-D canvas exists). */
export function canReadBrowserImages(): boolean {
  return typeof OffscreenCanvas === 'function' || typeof document !== 'undefined';
}

/** Classifies images for the CPU path (browser images accepted where a canvas can read them). */
export function cpuImageSources(images: ImageInput | readonly ImageInput[]): ImageSource[] {
  const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
  if (list.length === 0) throw new ImageInputError('No images were given');
  return list.map((image, i) => classifyImage(image, i, canReadBrowserImages()));
}

/** tf.image.rgb_to_grayscale on uint8 pixels, as src/reference/preprocess.ts defines it. */
function rgbToGreyU8(r: number, g: number, b: number): number {
  const inv = f(1 / 255);
  const [wr, wg, wb] = GREY_WEIGHTS.map(f);
  const sum = f(f(f(f(r * inv) * wr) + f(f(g * inv) * wg)) + f(f(b * inv) * wb));
  return Math.trunc(f(sum * f(255.5)));
}

/** One image as float32 `[1, H, W, channels]` in the model's channels. */
function toModelChannels(image: PixelImage, channels: 1 | 3): Tensor {
  const { width, height, data } = image;
  const c = image.channels;
  const n = width * height;
  const out = new Float32Array(n * channels);
  for (let i = 0; i < n; i++) {
    const at = i * c;
    if (c === 1) for (let k = 0; k < channels; k++) out[i * channels + k] = data[at];
    else if (channels === 3) {
      out[i * 3] = data[at];
      out[i * 3 + 1] = data[at + 1];
      out[i * 3 + 2] = data[at + 2];
    } else out[i] = rgbToGreyU8(data[at], data[at + 1], data[at + 2]);
  }
  return { shape: [1, height, width, channels], data: out };
}

/** A browser image's RGBA bytes, drawn into a 2-D canvas of its own size. */
function readBrowserImage(source: Extract<ImageSource, { kind: 'external' }>, index: number): PixelImage {
  const { width, height } = source;
  const canvas: OffscreenCanvas | HTMLCanvasElement =
    typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' }) as
    | OffscreenCanvasRenderingContext2D
    | CanvasRenderingContext2D
    | null;
  if (!ctx) throw new ImageInputError(`image ${index}: this browser gave no 2-D canvas to read its pixels`);
  ctx.drawImage(source.source as CanvasImageSource, 0, 0, width, height);
  const pixels = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { width, height, channels: 4, data: pixels.data };
}

/** Preprocesses images (any sizes) into one batch `[N, spec.height, spec.width, spec.channels]`. */
export function preprocessOnCpu(sources: readonly ImageSource[], spec: PreprocessSpec): Tensor {
  const { height, width, channels } = spec;
  const per = height * width * channels;
  const data = new Float32Array(sources.length * per);
  const scale = f(spec.scale);
  const offset = f(spec.offset);
  const mean = spec.mean.map(f);
  const std = spec.std.map(f);
  sources.forEach((source, i) => {
    const pixels = source.kind === 'pixels' ? source.image : readBrowserImage(source, i);
    const src = toModelChannels(pixels, channels);
    const resized = spec.resize === 'nearest' ? resizeImageNearest(src, height, width) : resizeImageBilinear(src, height, width);
    for (let k = 0; k < per; k++) {
      const c = k % channels;
      data[i * per + k] = f(f(f(f(resized.data[k] * scale) + offset) - mean[c]) / std[c]);
    }
  });
  return { shape: [sources.length, height, width, channels], data };
}
