/**
 * How an image becomes a model input: resize to the model's input size, then normalise.
 * Shared by the GPU preprocessing (src/runtime/preprocess.ts), its CPU reference and the
 * <mi-classifier> element's attributes.
 *
 *   pixel p in 0..255 (RGB, or grey by Keras' luma weights when channels = 1)
 *   x = ((p · scale + offset) − mean[c]) / std[c]
 */
import type { MedicalImage, WindowSpec } from '../formats/medical/types.ts';
import type { VolumeOrientation } from '../formats/model-metadata.ts';
export interface PreprocessOptions {
  /** Target size; defaults to the model's declared input height and width. */
  height?: number;
  width?: number;
  /**
   * 'bilinear': tf.image.resize(method='bilinear', antialias=False), half-pixel centres, the
   * convention of Keras' image_dataset_from_directory and Resizing layer (the default).
   * 'nearest': tf.image.resize(method='nearest'): source index floor((o + 0.5) · in / out).
   */
  resize?: 'bilinear' | 'nearest';
  /** Multiplier on 0..255 pixel values (default 1/255). */
  scale?: number;
  /** Added after scaling (default 0). */
  offset?: number;
  /** Per-channel mean subtracted after scale/offset (default 0). */
  mean?: readonly number[];
  /** Per-channel divisor applied last (default 1). */
  std?: readonly number[];
  /** Channels the model wants: 3 (RGB) or 1 (grey); defaults to the model's declared channels. */
  channels?: 1 | 3;
  /**
   * Medical images (a MedicalImage from loadImage): how intensities become [0, 1] (a window, the
   * file's own, or min-max); default the model's metadata, else 'from-file'. Ignored for pixels.
   */
  window?: WindowSpec;
  /** What [0, 1] after the window becomes before `scale`; default the metadata's, else [0, 255]. */
  range?: readonly [number, number];
  /** Volumes for 3-D models: 'native' (default) or 'reversed' axes (see ModelMetadata.input.orientation). */
  orientation?: VolumeOrientation;
}

/** Decoded pixels already in memory (e.g. from src/runtime/image-decode.ts), row-major HWC, 0..255. */
export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray | Float32Array;
}

/** Anything predictImage accepts. */
export type ImageInput =
  | ImageBitmap
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLVideoElement
  | VideoFrame
  | ImageData
  | PixelImage
  /** From loadImage: windowed by the options' or the model's metadata `window`, then as pixels. */
  | MedicalImage;
