/**
 * `--image` for medical images (mi predict, mi explain): a DICOM file, a DICOM folder (a series), or
 * a NIfTI (.nii, .nii.gz) is read with loadImage, windowed as the flags say (`--window C,W`, `--voi`),
 * else as the model's metadata says (input.window, range, orientation), else the file's own window
 * (without one: a DICOM's stored-value range, else min-max), and becomes:
 * - for a 2-D model ([N, H, W, C]): one frame (`--frame`, default 0) as pixels on `range` (0..255 by
 *   default), grey repeated to RGB for a 3-channel model, then resized and scaled exactly as an 8-bit
 *   PNG is (pixelsToTensor);
 * - for a 3-D model ([N, D, H, W, 1]): the whole volume [1, d, h, w, 1] in the metadata's
 *   orientation, then x · scale + offset (no resize: volume models are fully convolutional).
 * PNG and JPEG files keep the 8-bit path (TensorFlow's decode_image conventions).
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ImageInputError } from '../../errors.ts';
import { isDicom } from '../../formats/dicom/index.ts';
import type { MedicalImage, WindowSpec } from '../../formats/medical/types.ts';
import { isNifti } from '../../formats/nifti/index.ts';
import type { EngineLimits } from '../../limits.ts';
import type { ModelInfo } from '../../model.ts';
import { loadImage } from '../../runtime/load-image.ts';
import { toModelImage, toVolumeTensor } from '../../runtime/medical-input.ts';
import { resolvePreprocessing, withOverrides, type ModelPreprocessing } from '../../runtime/preprocess-resolve.ts';
import type { Tensor } from '../../tensor.ts';
import { readImageFiles, parseWindowFlag } from './decode.ts';
import { CliError, UsageError } from './cli-error.ts';
import { imageShapeFor, normalise, pixelsToTensor, scaleFrom, scaleValue, type Scale } from './image-input.ts';

/** The flags of a medical --image. */
export interface MedicalFlags {
  window?: string;
  voi?: boolean;
  frame?: string;
}

/** The 8-bit flags that also apply (see predict's parseImageOptions). */
export interface PixelFlags {
  size?: [number, number];
  scale?: Scale;
  offset?: number;
  grayscale: boolean;
}

/**
 * The medical image at `path` (a folder is a DICOM series), or undefined for a PNG/JPEG (or anything
 * else, which the 8-bit path then refuses with its own message).
 */
export async function readMedicalImage(path: string, limits: Partial<EngineLimits>): Promise<MedicalImage | undefined> {
  let folder = false;
  try {
    folder = statSync(path).isDirectory();
  } catch {
    return undefined; // the 8-bit path reports the missing file
  }
  if (!folder) {
    const bytes = new Uint8Array(await readFile(path));
    if (!isDicom(bytes) && !isNifti(bytes)) return undefined;
  }
  const files = await readImageFiles(path);
  return loadImage(files.length === 1 ? files[0] : files, { limits });
}

/** The window the flags ask for, or undefined (then the model's). */
export function windowFlag(flags: MedicalFlags): WindowSpec | undefined {
  if (flags.window && flags.voi) throw new UsageError('give --window or --voi, not both');
  if (flags.window) return parseWindowFlag(flags.window);
  return flags.voi ? 'from-file' : undefined;
}

function frameFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || text.trim() === '') throw new UsageError(`--frame must be a non-negative integer, got "${text}"`);
  return n;
}

/** A medical image → the model's input tensor, with the preprocessing used (flags over the model's). */
export function medicalImageInput(
  image: MedicalImage,
  flags: MedicalFlags,
  pixelFlags: PixelFlags,
  info: ModelInfo,
  modelPreprocessing: ModelPreprocessing,
  limits: Partial<EngineLimits>,
): { tensor: Tensor; preprocessing: ModelPreprocessing } {
  if (info.inputs.length !== 1) throw new CliError(`wrong number of inputs: the model takes ${info.inputs.length}, an --image gives 1`);
  // A runtime built before the intensity fields existed sends none: the defaults then apply.
  const base = modelPreprocessing.intensity ? modelPreprocessing : { ...modelPreprocessing, intensity: resolvePreprocessing({}).intensity };
  const preprocessing = withOverrides(base, {
    height: pixelFlags.size?.[0],
    width: pixelFlags.size?.[1],
    scale: pixelFlags.scale && scaleValue(pixelFlags.scale),
    offset: pixelFlags.offset,
    window: windowFlag(flags),
  });
  const o = preprocessing.options;
  const { window, range, orientation } = preprocessing.intensity;
  const scale = pixelFlags.scale ?? scaleFrom(o.scale);
  const declared = info.inputs[0].shape;
  if (declared.length === 5) {
    const tensor = toVolumeTensor(image, { window, range, orientation });
    normalise(tensor.data, 1, { scale, offset: o.offset, mean: o.mean, std: o.std });
    return { tensor, preprocessing };
  }
  const { size, channels } = imageShapeFor(declared, o.height && o.width ? [o.height, o.width] : undefined, pixelFlags.grayscale);
  const pixels = toModelImage(image, { window, range, frame: frameFlag(flags.frame) });
  let data = pixels.data as Float32Array;
  let have = pixels.channels as 1 | 3;
  if (have === 1 && channels === 3) {
    data = repeatGrey(data);
    have = 3;
  } else if (have === 3 && channels === 1) {
    throw new ImageInputError(`${image.name} is colour but the model takes 1 channel`);
  }
  const tensor = pixelsToTensor({ width: pixels.width, height: pixels.height, channels: have, data }, { ...o, size, channels, scale, grayscale: false, name: image.name, limits });
  return { tensor, preprocessing };
}

function repeatGrey(grey: Float32Array): Float32Array {
  const out = new Float32Array(grey.length * 3);
  for (let i = 0; i < grey.length; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = grey[i];
  return out;
}

/** "window 40,400 (--window)", "window from file (metadata.json)" for the summary line. */
export function describeWindow(p: ModelPreprocessing): string {
  const w = p.intensity.window;
  const spec = typeof w === 'string' ? w : `${w.center},${w.width}${w.function && w.function !== 'LINEAR' ? ` ${w.function}` : ''}`;
  const from = { option: 'flag', metadata: 'metadata', graph: 'model', default: 'default' }[p.intensity.sources.window];
  return `window ${spec} (${from}) → [${p.intensity.range.join(', ')}]`;
}
