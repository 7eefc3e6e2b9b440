/**
 * What `<mi-segmenter>` takes and gives besides the model: the images (the classifier's kinds plus
 * decoded pixels, 8-bit or float, for models fed values rather than pictures), how to show decoded
 * pixels, and the `mi-result` detail.
 */
import type { LoadedModel } from '../index.ts';
import type { ImageInput, PixelImage } from '../runtime/preprocess-options.ts';
import { attributeOptions, withSize, type PreprocessAttributes } from './config.ts';
import { engineInput, sizeOf, type ElementImage } from './image-source.ts';
import type { MedicalShown } from './medical-source.ts';
import { displayPixels, maskFromScores, type SegmentClass, type SegmentMask } from './segment-mask.ts';
import type { MiSegmentProgressDetail, MiSegmentVolumeDetail } from './segmenter-volume.ts';
import type { MiProgressDetail } from './events.ts';

/** Images the segmenter takes through `image`: the classifier's, plus decoded pixels (8-bit or float). */
export type SegmenterImage = ElementImage | PixelImage;

/** `mi-result` of `<mi-segmenter>`. */
export interface MiSegmentResultDetail {
  /** A 2-D mask (a 3-D model's result is MiSegmentVolumeDetail, kind 'volume'). */
  kind: 'mask';
  /** Every class the model can give, with its area in the mask. */
  classes: SegmentClass[];
  /** The class of each pixel (argmax), row-major, at the model's output size `shape`. */
  mask: Uint8Array;
  /** `[height, width]` of `mask`. */
  shape: [number, number];
  /** Milliseconds for preprocessing, inference, read-back and the mask. */
  ms: number;
  adapter: string;
}

/** What is shown and segmented. */
export type Shown = SegmenterImage | MedicalShown;
export const isMed = (x: Shown): x is MedicalShown => (x as MedicalShown).kind === 'medical';
export const isPixels = (x: Shown): x is PixelImage => !isMed(x) && 'data' in x && 'channels' in x;

/** Width and height of what the engine is given. */
export function sizeOfInput(input: PixelImage | ImageInput): { width: number; height: number } {
  if ('channels' in input && 'data' in input) return { width: (input as PixelImage).width, height: (input as PixelImage).height };
  return sizeOf(input as ElementImage);
}

/** Draws decoded pixels on the preview canvas (floats min–max stretched). */
export function drawPixels(canvas: HTMLCanvasElement, image: PixelImage): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')?.putImageData(new ImageData(displayPixels(image), image.width, image.height), 0, 0);
}

/**
 * `<mi-segmenter>`'s events with their details, for `addEventListener` on the element: the global
 * `HTMLElementEventMap` types `mi-result` as the classifier's, so the segmenter declares its own.
 */
export interface MiSegmenterEventMap extends Omit<HTMLElementEventMap, 'mi-result' | 'mi-progress'> {
  /** `detail.kind`: 'mask' (2-D model) or 'volume' (3-D model). */
  'mi-result': CustomEvent<MiSegmentResultDetail | MiSegmentVolumeDetail>;
  'mi-progress': CustomEvent<MiProgressDetail | MiSegmentProgressDetail>;
}

/** A 2-D model on the shown image (a medical one already windowed): its class mask. */
export async function predictMask(model: LoadedModel, image: Shown, attributes: PreprocessAttributes, threshold?: number): Promise<SegmentMask> {
  const { input, release } = isMed(image)
    ? { input: image.pixels, release: () => {} }
    : isPixels(image)
      ? { input: image, release: () => {} }
      : await engineInput(image);
  const resolved = model.resolvePreprocessing(attributeOptions(attributes)).options;
  // A model without a declared input size (fully convolutional) is fed the image at its own size.
  const pre = withSize(resolved.height && resolved.width ? resolved : { ...resolved, ...sizeOfInput(input) });
  const out = await model.predictImage(input, pre).finally(release);
  return maskFromScores(out.data, out.shape, threshold);
}
