/**
 * What kind of pixels an ImageInput holds, told apart without DOM types at run time (under Node
 * with Dawn there is no ImageBitmap, HTMLImageElement, ...): decoded pixels go to the GPU as a
 * storage buffer, browser images through copyExternalImageToTexture.
 */
import { ImageInputError } from '../errors.ts';
import type { EngineLimits } from '../limits.ts';
import { checkImageBlob } from './image-header.ts';
import { isMedicalImage } from './medical-input.ts';
import type { ImageInput, PixelImage } from './preprocess-options.ts';

/** An image ready to upload: its pixels in memory, or a source the browser copies into a texture. */
export type ImageSource =
  | { kind: 'pixels'; width: number; height: number; image: PixelImage }
  | { kind: 'external'; width: number; height: number; source: GPUCopyExternalImageSourceInfo['source'] };

const has = (name: string): boolean => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const isA = (x: unknown, name: string): boolean => has(name) && x instanceof ((globalThis as Record<string, unknown>)[name] as new () => unknown);

/** Checks a PixelImage's fields and that its data fills width × height × channels. */
function checkPixels(image: PixelImage, what: string): PixelImage {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageInputError(`${what} has size ${width}×${height}; width and height must be positive integers`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new ImageInputError(`${what} has ${channels} channels; 1, 3 or 4 are accepted`);
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray || data instanceof Float32Array)) {
    throw new ImageInputError(`${what}: data must be a Uint8Array, Uint8ClampedArray or Float32Array`);
  }
  if (data.length !== width * height * channels) {
    throw new ImageInputError(`${what}: ${data.length} values do not fill ${width}×${height}×${channels}`);
  }
  return image;
}

/**
 * Classifies one input. ImageData is taken as RGBA pixels (exact bytes, no colour management and
 * no DOM needed); ImageBitmap, images, canvases, video and VideoFrame are copied by the browser.
 * @throws ImageInputError for anything else, an empty image, or a DOM source where the GPU cannot copy one.
 */
export function classifyImage(input: ImageInput, index: number, canCopyExternal: boolean): ImageSource {
  const what = `image ${index}`;
  if (input === null || typeof input !== 'object') throw new ImageInputError(`${what} is ${input === null ? 'null' : typeof input}, not an image`);
  // predictImage turns MedicalImages into pixels first (ModelBase.fromMedical); reaching here means a caller skipped that.
  if (isMedicalImage(input)) throw new ImageInputError(`${what} is a MedicalImage (${input.name}): window it first with toModelImage, or pass it to predictImage`);
  if ('channels' in input && 'data' in input) {
    const image = checkPixels(input, what);
    return { kind: 'pixels', width: image.width, height: image.height, image };
  }
  if (isA(input, 'ImageData')) {
    const d = input as ImageData;
    const image = checkPixels({ width: d.width, height: d.height, channels: 4, data: d.data }, what);
    return { kind: 'pixels', width: d.width, height: d.height, image };
  }
  let size: [number, number] | undefined;
  if (isA(input, 'HTMLImageElement')) {
    const img = input as HTMLImageElement;
    if (!img.complete) throw new ImageInputError(`${what} (an <img>) has not finished loading: await img.decode() first`);
    size = [img.naturalWidth, img.naturalHeight];
  } else if (isA(input, 'HTMLVideoElement')) {
    const v = input as HTMLVideoElement;
    size = [v.videoWidth, v.videoHeight];
  } else if (isA(input, 'VideoFrame')) {
    const v = input as VideoFrame;
    size = [v.displayWidth, v.displayHeight];
  } else if (isA(input, 'ImageBitmap') || isA(input, 'HTMLCanvasElement') || isA(input, 'OffscreenCanvas')) {
    const c = input as ImageBitmap;
    size = [c.width, c.height];
  }
  if (!size) throw new ImageInputError(`${what} is not an image: pass an ImageBitmap, <img>, canvas, video, VideoFrame, ImageData or { width, height, channels, data }`);
  if (!canCopyExternal) {
    throw new ImageInputError(`${what} is a browser image, which this GPU cannot copy (no copyExternalImageToTexture): pass decoded pixels { width, height, channels, data }`);
  }
  const [width, height] = size;
  if (!(width > 0 && height > 0)) throw new ImageInputError(`${what} is empty (${width}×${height}); closed ImageBitmap or video without a frame?`);
  return { kind: 'external', width, height, source: input as GPUCopyExternalImageSourceInfo['source'] };
}

/**
 * Decodes an image file (Blob) in the browser so its pixels are the file's own: no colour-space
 * conversion (ICC/gamma) and no premultiplied alpha, as tf.io.decode_image reads them. The size its
 * PNG/JPEG header declares is checked against `limits.maxImagePixels` first (LimitError), so the
 * browser never starts decoding a decompression bomb.
 */
export async function decodeImageBitmap(blob: Blob, options: { limits?: Partial<EngineLimits>; name?: string } = {}): Promise<ImageBitmap> {
  await checkImageBlob(blob, options.name ?? ((blob as File).name || 'the image'), options.limits);
  return createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
}
