/**
 * DICOM reading: Part 10 files and series to MedicalImage (float32 after the modality LUT), and the
 * VOI functions (windows, VOI LUTs) that turn those intensities into [0, 1]. This file is the public
 * surface other modules import; the work lives beside it.
 */
import type { MedicalImage } from '../medical/types.ts';
import type { EngineLimits } from '../../limits.ts';
import type { DecodedDicom } from './decode.ts';
import { bareStart, hasPart10Prefix } from './sniff.ts';
import { decodeInWorker, workerByDefault } from './worker-client.ts';

export interface DicomReadOptions {
  /** The file's name, for messages (default "DICOM file"). */
  name?: string;
  /**
   * Limits checked before allocating: maxImagePixels (rows × columns) and maxTensorElements
   * (rows × columns × frames × samples, or × slices for a series).
   */
  limits?: Partial<EngineLimits>;
  signal?: AbortSignal;
  /** Decode in a module Worker (default: true in a browser window, false in Node and in workers). */
  worker?: boolean;
  /** readDicomSeries: the Series Instance UID to read when the files hold several series. */
  seriesUid?: string;
  /**
   * Browser only: the folder URL the optional codec packages are served under, laid out like
   * node_modules (`<base>/@cornerstonejs/codec-charls/dist/…`). Default: `/node_modules/` of the page.
   */
  codecBaseUrl?: string;
}

/** True for "DICM" at offset 128, or a plausible preamble-less start (group 0002 meta, or a bare data set). */
export function isDicom(bytes: Uint8Array): boolean {
  return hasPart10Prefix(bytes) || bareStart(bytes) !== undefined;
}

function decodeOne(bytes: Uint8Array, options: DicomReadOptions): Promise<DecodedDicom> {
  const name = options.name ?? 'DICOM file';
  const useWorker = options.worker ?? workerByDefault();
  // A relative codecBaseUrl means the page's URL, not the worker script's: made absolute here.
  const codecBaseUrl = options.codecBaseUrl !== undefined && typeof document !== 'undefined' ? new URL(options.codecBaseUrl, document.baseURI).href : options.codecBaseUrl;
  const decodeOptions = { name, limits: options.limits, signal: options.signal, codecBaseUrl };
  // The parser and decoders load on first use: a page that never reads DICOM does not fetch them,
  // and one that decodes in the worker fetches them there.
  return useWorker ? decodeInWorker(bytes, decodeOptions) : import('./decode.ts').then((m) => m.decodeDicom(bytes, decodeOptions));
}

/** Reads one DICOM file (one or several frames). */
export async function readDicom(bytes: Uint8Array, options: DicomReadOptions = {}): Promise<MedicalImage> {
  return (await decodeOne(bytes, options)).image;
}

/** Reads the files of one series into a volume [slices, rows, cols] sorted along the slice normal. */
export async function readDicomSeries(files: readonly { name: string; bytes: Uint8Array }[], options: DicomReadOptions = {}): Promise<MedicalImage> {
  const { readSeries } = await import('./series.ts');
  return readSeries(files, { seriesUid: options.seriesUid, limits: options.limits, signal: options.signal }, (file) => decodeOne(file.bytes, { ...options, name: file.name }));
}

export { applyWindow, applyVoiLut, windowFromSpec } from './voi.ts';
export { terminateDicomWorker } from './worker-client.ts';
