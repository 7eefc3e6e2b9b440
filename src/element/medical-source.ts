/**
 * DICOM and NIfTI in the element: files dropped, picked or fetched from `src` whose bytes say DICOM
 * or NIfTI go through the engine's readers (loadImage: modality LUT, series sorting) instead of the
 * browser's image decoder, which cannot read them. PNG and JPEG stay on the browser path, whose
 * 8-bit pixels are what TensorFlow's decode_image gives a model in training.
 *
 * A 2-D classifier gets one image: a single frame as it is, and for a multi-frame file, a series or
 * a volume the middle frame/slice (the caption says which). Its intensities are windowed as the
 * model's metadata says (runtime/medical-input.ts), and those windowed pixels are both what is shown
 * and what is classified.
 */
import type { MedicalImage, WindowSpec } from '../formats/medical/types.ts';
import type { EngineLimits } from '../limits.ts';
import { loadImage, sniffMedicalImage } from '../runtime/load-image.ts';
import { frameCount, toModelImage } from '../runtime/medical-input.ts';
import type { PixelImage } from '../runtime/preprocess-options.ts';

/** A medical image chosen in the element: the intensities, and the one 2-D image shown and classified. */
export interface MedicalShown {
  kind: 'medical';
  image: MedicalImage;
  /** Which frame/slice of a stack is shown (0 for a single image). */
  frame: number;
  /** Frames/slices in the stack (1 for a single image). */
  frames: number;
  /** The windowed pixels (0..255 unless the model's metadata says another range). */
  pixels: PixelImage;
}

/**
 * Whether these first bytes are for loadImage (DICOM, NIfTI) rather than the browser's decoder. Any
 * gzip stream goes there too: no browser decodes a gzipped image, and a `.nii.gz`'s header may only
 * come out of a deflate block longer than the bytes read here (t1_crop's needs 16 kB); loadImage
 * reads the whole file and says clearly when it is not NIfTI after all.
 */
export function isMedicalBytes(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  const kind = sniffMedicalImage(bytes);
  return kind === 'dicom' || kind === 'nifti';
}

/** The first bytes of a blob: enough to tell DICOM ("DICM" at 128), NIfTI (a 348/540-byte header) and gzip. */
export async function headOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, 1024).arrayBuffer());
}

/** Reads files (one, or the slices of a series) into the image the element shows and classifies. */
export async function readMedical(
  files: readonly (Blob & { name?: string })[],
  window: WindowSpec,
  range: readonly [number, number],
  limits: Partial<EngineLimits> | undefined,
  signal?: AbortSignal,
): Promise<MedicalShown> {
  const sources = files.length === 1 ? files[0]! : files;
  const image = await loadImage(sources, { limits, signal, name: files[0]?.name });
  return windowed(image, window, range);
}

/** The shown frame of `image` windowed for the model (again after the model or its attributes change). */
export function windowed(image: MedicalImage, window: WindowSpec, range: readonly [number, number]): MedicalShown {
  const frames = frameCount(image);
  const frame = Math.floor(frames / 2);
  return { kind: 'medical', image, frame, frames, pixels: toModelImage(image, { window, range, frame }) };
}

/** The caption of a shown medical image, e.g. `brain-series (DICOM, slice 10 of 20)`. */
export function medicalCaption(shown: MedicalShown, name: string | undefined): string {
  const what = shown.image.format === 'dicom' ? 'DICOM' : shown.image.format === 'nifti' ? 'NIfTI' : 'PNG';
  const which = shown.frames > 1 ? `, slice ${shown.frame + 1} of ${shown.frames}` : '';
  return `${name ?? shown.image.name} (${what}${which})`;
}

/** The windowed pixels as 8-bit RGBA for the preview canvas (values mapped from `range` to 0..255). */
export function previewPixels(pixels: PixelImage, range: readonly [number, number]): ImageData {
  const { width, height, channels, data } = pixels;
  const out = new ImageData(Math.max(1, width), Math.max(1, height));
  const [lo, hi] = range;
  const k = hi !== lo ? 255 / (hi - lo) : 0;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = (data[i * channels + (channels >= 3 ? c : 0)]! - lo) * k;
    out.data[i * 4 + 3] = 255;
  }
  return out;
}
