/**
 * Getting the user's image into a form the engine takes, and onto the screen. Files and URLs are
 * decoded with `createImageBitmap(..., { colorSpaceConversion: 'none', premultiplyAlpha: 'none' })`
 * so the pixels are the file's own numbers (what TensorFlow's decode_png gives the model in
 * training), not colour-managed or premultiplied ones.
 */
import type { EngineLimits } from '../limits.ts';
import { checkImageBlob } from '../runtime/image-header.ts';
import type { ImageInput } from '../runtime/preprocess-options.ts';

/** Images the element accepts through its `image` property. */
export type ElementImage = ImageBitmap | HTMLImageElement | HTMLCanvasElement | VideoFrame | ImageData;

const DECODE: ImageBitmapOptions = { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' };

/** An error raised while obtaining an image; `code` feeds `mi-error`. */
export class ImageLoadError extends Error {
  readonly code = 'IMAGE_LOAD';
}

/**
 * Decodes a dropped or chosen file, after checking the size its header declares against
 * `limits.maxImagePixels` (a LimitError, code LIMIT: the browser never decodes a bomb).
 */
export async function bitmapFromFile(file: Blob & { name?: string }, limits?: Partial<EngineLimits>): Promise<ImageBitmap> {
  await checkImageBlob(file, `"${file.name ?? 'the file'}"`, limits);
  try {
    return await createImageBitmap(file, DECODE);
  } catch (cause) {
    throw new ImageLoadError(`"${file.name ?? 'the file'}" is not an image this browser can decode`, { cause });
  }
}

/** Downloads the `src` file (the only request the element makes besides the model). */
export async function blobFromUrl(url: string, signal: AbortSignal): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (cause) {
    if (signal.aborted) throw cause;
    throw new ImageLoadError(`Could not download the image ${url} (network error or no CORS permission)`, { cause });
  }
  if (!res.ok) throw new ImageLoadError(`Could not download the image ${url}: HTTP ${res.status}`);
  return res.blob();
}

/** Decodes a downloaded image (after the same header check as a file). */
export async function bitmapFromBlob(blob: Blob, url: string, limits?: Partial<EngineLimits>): Promise<ImageBitmap> {
  await checkImageBlob(blob, url, limits);
  try {
    return await createImageBitmap(blob, DECODE);
  } catch (cause) {
    throw new ImageLoadError(`${url} is not an image this browser can decode (${blob.type || 'unknown type'})`, { cause });
  }
}

/** Waits until an `<img>` has pixels, so neither the preview nor the engine reads an empty image. */
export async function whenDecoded(image: ElementImage): Promise<void> {
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement && !image.complete) {
    try {
      await image.decode();
    } catch (cause) {
      throw new ImageLoadError(`The image ${image.currentSrc || image.src} could not be loaded`, { cause });
    }
  }
}

/**
 * The image as the engine gets it, and what to free afterwards. A VideoFrame is handed over as an
 * ImageBitmap of itself: Chromium's copyExternalImageToTexture refused a VideoFrame on SwiftShader
 * ("Failed to copy content from video element") where the bitmap copies.
 */
export async function engineInput(image: ElementImage): Promise<{ input: ImageInput; release(): void }> {
  await whenDecoded(image);
  if (typeof VideoFrame !== 'undefined' && image instanceof VideoFrame) {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(image);
    } catch (cause) {
      throw new ImageLoadError('The VideoFrame could not be read (closed?)', { cause });
    }
    return { input: bitmap, release: () => bitmap.close() };
  }
  return { input: image as ImageInput, release: () => {} };
}

/** Natural size of any accepted image. */
export function sizeOf(image: ElementImage): { width: number; height: number } {
  if (typeof HTMLImageElement !== 'undefined' && image instanceof HTMLImageElement) {
    return { width: image.naturalWidth, height: image.naturalHeight };
  }
  if (typeof VideoFrame !== 'undefined' && image instanceof VideoFrame) {
    return { width: image.displayWidth, height: image.displayHeight };
  }
  return { width: (image as ImageBitmap).width, height: (image as ImageBitmap).height };
}

/** Draws the image onto the element's preview canvas at its natural size (CSS scales it). */
export function drawPreview(canvas: HTMLCanvasElement, image: ElementImage): void {
  const { width, height } = sizeOf(image);
  canvas.width = Math.max(1, width);
  canvas.height = Math.max(1, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (image instanceof ImageData) ctx.putImageData(image, 0, 0);
  else ctx.drawImage(image as CanvasImageSource, 0, 0);
}
