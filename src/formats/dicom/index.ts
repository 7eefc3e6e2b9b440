/**
 * DICOM reading: Part 10 files and series to MedicalImage (float32 after the modality LUT), and the
 * VOI functions (windows, VOI LUTs) that turn those intensities into [0, 1]. This file is the public
 * surface other modules import; the work lives beside it.
 */
import type { MedicalImage } from '../medical/types.ts';
import type { EngineLimits } from '../../limits.ts';

export interface DicomReadOptions {
  /** The file's name, for messages (default "DICOM file"). */
  name?: string;
  /** Limits checked before allocating (maxImagePixels for rows × cols × frames × samples). */
  limits?: Partial<EngineLimits>;
  signal?: AbortSignal;
  /** Decode in a module Worker (default: true in a browser window, false in Node and in workers). */
  worker?: boolean;
}

/** True for "DICM" at offset 128, or a plausible preamble-less start (a group 0002 or 0008 element). */
export function isDicom(bytes: Uint8Array): boolean {
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return true;
  if (bytes.length < 8) return false;
  const group = bytes[0]! | (bytes[1]! << 8);
  return group === 0x0002 || group === 0x0008;
}

/** Reads one DICOM file (one or several frames). */
export async function readDicom(bytes: Uint8Array, options: DicomReadOptions = {}): Promise<MedicalImage> {
  void bytes;
  void options;
  throw new Error('readDicom: not yet');
}

/** Reads the files of one series into a volume [slices, rows, cols] sorted along the slice normal. */
export async function readDicomSeries(files: readonly { name: string; bytes: Uint8Array }[], options: DicomReadOptions = {}): Promise<MedicalImage> {
  void files;
  void options;
  throw new Error('readDicomSeries: not yet');
}

export { applyWindow, applyVoiLut, windowFromSpec } from './voi.ts';
