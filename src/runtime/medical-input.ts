/**
 * A MedicalImage (loadImage) as a model input. Intensities are windowed to [0, 1] as a WindowSpec
 * says (DICOM's VOI formula, the file's own window, or min-max; MONOCHROME1 is inverted by the
 * window step, after windowing), then mapped onto `range` (default [0, 255]) so the usual pipeline
 * (resize, then the model's scale/offset/mean/std from metadata or graph) applies unchanged:
 *
 *   2-D models: toModelImage → PixelImage (float32, `range` values) → predictImage's resize + scale;
 *   3-D models: toVolumeTensor → [1, d, h, w, 1] with the same values, `orientation` choosing the axes.
 */
import { ImageInputError, ShapeError } from '../errors.ts';
import { windowFromSpec } from '../formats/dicom/index.ts';
import type { MedicalImage, WindowSpec } from '../formats/medical/types.ts';
import type { VolumeOrientation } from '../formats/model-metadata.ts';
import type { Tensor } from '../tensor.ts';
import type { PixelImage } from './preprocess-options.ts';

export interface ModelImageOptions {
  /** Default 'from-file': the file's own first window (or VOI LUT), else its stored values' full range (DICOM), else min-max. */
  window?: WindowSpec;
  /** What [0, 1] after the window becomes (default [0, 255]). */
  range?: readonly [number, number];
  /**
   * Which 2-D image of a stack (default 0): the frame of a multi-frame DICOM or the slice of a
   * series (first axis), or the k slice of a NIfTI volume (its third axis; t = 0 for 4-D).
   */
  frame?: number;
}

export interface VolumeOptions {
  window?: WindowSpec;
  range?: readonly [number, number];
  /** 'native' (default): the image's axes in order; 'reversed': last axis first. */
  orientation?: VolumeOrientation;
}

/** A MedicalImage (not pixels, not a browser image): what loadImage returns. */
export function isMedicalImage(x: unknown): x is MedicalImage {
  if (!x || typeof x !== 'object') return false;
  const m = x as Partial<MedicalImage>;
  return (m.format === 'dicom' || m.format === 'nifti' || m.format === 'png') && m.data instanceof Float32Array && Array.isArray(m.shape);
}

/** One 2-D (grey or colour) image of `image`, windowed and mapped onto `range`, as pixels. */
export function toModelImage(image: MedicalImage, options: ModelImageOptions = {}): PixelImage {
  const plane = planeOf(image, options.frame ?? 0);
  const values = windowed(plane, options.window ?? 'from-file', options.range ?? [0, 255]);
  return { width: plane.shape[1], height: plane.shape[0], channels: plane.channels, data: values };
}

/** A greyscale volume as a 3-D model's input [1, d, h, w, 1], windowed and mapped onto `range`. */
export function toVolumeTensor(image: MedicalImage, options: VolumeOptions = {}): Tensor {
  const shape = image.shape;
  if (image.channels !== 1) throw new ShapeError(`${image.name}: a colour image (${shape.join('×')}) cannot be a volume input`);
  let dims = shape;
  let data = image.data;
  if (shape.length === 4 && shape[3] === 1) dims = shape.slice(0, 3);
  else if (shape.length !== 3) {
    throw new ShapeError(`${image.name} is ${shape.join('×')}: a 3-D model takes one volume (3 axes)${shape.length === 4 ? '; pick one time point' : ''}`);
  }
  const values = windowed({ ...image, data }, options.window ?? 'from-file', options.range ?? [0, 255]);
  if ((options.orientation ?? 'native') === 'reversed') {
    const [a, b, c] = dims;
    const out = new Float32Array(values.length);
    // out[z][y][x] (shape c, b, a) = in[x][y][z]
    for (let x = 0; x < a; x++) for (let y = 0; y < b; y++) for (let z = 0; z < c; z++) out[(z * b + y) * a + x] = values[(x * b + y) * c + z];
    return { data: out, shape: [1, c, b, a, 1] };
  }
  data = values;
  return { data, shape: [1, dims[0], dims[1], dims[2], 1] };
}

/**
 * In place on a volume tensor (one channel): x · scale + offset, then (x − mean) / std, as the image
 * recipe does after its resize (volumes are not resized: volume models are fully convolutional).
 */
export function normaliseVolume(t: Tensor, o: { scale: number; offset: number; mean: readonly number[]; std: readonly number[] }): Tensor {
  const mean = o.mean[0] ?? 0;
  const std = o.std[0] ?? 1;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = (d[i] * o.scale + o.offset - mean) / std;
  return t;
}

/** The window step, then [0, 1] → range. */
function windowed(image: MedicalImage, spec: WindowSpec, range: readonly [number, number]): Float32Array {
  const unit = windowFromSpec(image, spec)(image.data);
  const [lo, hi] = range;
  if (lo === 0 && hi === 1) return unit;
  const span = hi - lo;
  for (let i = 0; i < unit.length; i++) unit[i] = unit[i] * span + lo;
  return unit;
}

/** A 2-D image (shape [rows, cols] or [rows, cols, 3]) of a MedicalImage, copying only what a stack needs. */
/**
 * How many 2-D images `image` stacks along the axis `frame` (toModelImage) indexes: the frames of a
 * multi-frame DICOM or the slices of a series (first axis), a NIfTI volume's k slices; 1 for one image.
 */
export function frameCount(image: MedicalImage): number {
  const spatial = image.channels === 3 ? image.shape.slice(0, -1) : image.shape;
  if (spatial.length === 2) return 1;
  return image.format === 'nifti' ? spatial[2]! : spatial[0]!;
}

function planeOf(image: MedicalImage, frame: number): MedicalImage {
  const colour = image.channels === 3;
  const spatial = colour ? image.shape.slice(0, -1) : image.shape;
  const c = colour ? 3 : 1;
  if (spatial.length === 2) return image;
  if (!Number.isInteger(frame) || frame < 0) throw new ImageInputError(`frame must be a non-negative integer, got ${frame}`);
  if (image.format === 'nifti') {
    // (i, j, k[, t]) in C order: the k slice at t = 0 is a strided gather.
    const [I, J, K] = spatial;
    if (frame >= K) throw new ImageInputError(`${image.name} has ${K} slices along k; slice ${frame} asked for`);
    const T = spatial.slice(3).reduce((a, b) => a * b, 1);
    const out = new Float32Array(I * J * c);
    for (let i = 0; i < I; i++) {
      for (let j = 0; j < J; j++) {
        const from = ((i * J + j) * K + frame) * T * c;
        for (let ch = 0; ch < c; ch++) out[(i * J + j) * c + ch] = image.data[from + ch];
      }
    }
    return { ...image, data: out, shape: colour ? [I, J, 3] : [I, J] };
  }
  if (spatial.length !== 3) throw new ImageInputError(`${image.name} is ${image.shape.join('×')}: not an image or a stack of images`);
  const [frames, rows, cols] = spatial;
  if (frame >= frames) throw new ImageInputError(`${image.name} has ${frames} frames; frame ${frame} asked for`);
  const size = rows * cols * c;
  const data = image.data.slice(frame * size, (frame + 1) * size);
  return { ...image, data, shape: colour ? [rows, cols, 3] : [rows, cols] };
}
