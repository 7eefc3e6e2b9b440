/**
 * From what the user gives (a `src` URL, dropped or chosen files) to what the element shows and
 * classifies: a browser-decoded bitmap for PNG and JPEG, or the windowed frame of a DICOM/NIfTI
 * (medical-source.ts). The kind is told by the bytes, not the name.
 */
import type { WindowSpec } from '../formats/medical/types.ts';
import type { EngineLimits } from '../limits.ts';
import { bitmapFromBlob, bitmapFromFile, blobFromUrl, drawPreview, type ElementImage } from './image-source.ts';
import { headOf, isMedicalBytes, previewPixels, readMedical, type MedicalShown } from './medical-source.ts';

/** What is shown and classified: a browser image, or the windowed frame of a DICOM/NIfTI. */
export type Shown = ElementImage | MedicalShown;

export const isMedical = (x: Shown | undefined): x is MedicalShown => !!x && (x as MedicalShown).kind === 'medical';

/** What reading needs of the element: the model's window and range, its limits, and the abort signal. */
export interface IntakeContext {
  window: WindowSpec;
  range: readonly [number, number];
  limits?: Partial<EngineLimits>;
  signal: AbortSignal;
}

export interface Taken {
  shown: Shown;
  name: string;
}

/** Frees what reading made (a decoded bitmap) when it is not going to be shown. */
export function discard(taken: Taken): void {
  if (!isMedical(taken.shown)) (taken.shown as ImageBitmap).close?.();
}

/** The `src` image: downloaded once, then decoded by the browser or read as DICOM/NIfTI. */
export async function takeUrl(src: string, ctx: IntakeContext): Promise<Taken> {
  const name = decodeURIComponent(src.split('/').pop() ?? src);
  const blob = await blobFromUrl(src, ctx.signal);
  const shown = isMedicalBytes(await headOf(blob))
    ? await readMedical([Object.assign(blob, { name })], ctx.window, ctx.range, ctx.limits, ctx.signal)
    : await bitmapFromBlob(blob, src, ctx.limits);
  return { shown, name };
}

/**
 * Files dropped or chosen: one PNG/JPEG goes to the browser's decoder; DICOM/NIfTI (one file, or the
 * DICOM files of a series or folder, the other files in it skipped) to the engine's readers.
 */
export async function takeFiles(files: readonly File[], ctx: IntakeContext): Promise<Taken> {
  const medical: File[] = [];
  for (const f of files) if (isMedicalBytes(await headOf(f))) medical.push(f);
  if (medical.length === 0) {
    if (files.length !== 1) {
      throw new Error(`None of the ${files.length} files is a DICOM or NIfTI image: drop one PNG or JPEG, or the files of one DICOM series`);
    }
    return { shown: await bitmapFromFile(files[0]!, ctx.limits), name: files[0]!.name };
  }
  const shown = await readMedical(medical, ctx.window, ctx.range, ctx.limits, ctx.signal);
  return { shown, name: medical.length > 1 ? `${medical.length} DICOM files` : medical[0]!.name };
}

/** Draws what is shown on the preview canvas (medical pixels mapped from `range` to 0..255). */
export function drawShown(canvas: HTMLCanvasElement, shown: Shown, range: readonly [number, number]): void {
  if (!isMedical(shown)) return drawPreview(canvas, shown);
  const pixels = previewPixels(shown.pixels, range);
  canvas.width = pixels.width;
  canvas.height = pixels.height;
  canvas.getContext('2d')?.putImageData(pixels, 0, 0);
}
