/**
 * `loadImage`: a medical image file (or a DICOM series) to a MedicalImage, whatever it arrives as: a
 * URL, a File/Blob, bytes, or several of those. The kind is told by the bytes, not the name: DICOM
 * ("DICM" at 128, or a bare data set), NIfTI (its header, or a gzip stream whose first bytes inflate to
 * one) and PNG (any depth; 16-bit keeps all its bits). Several files are one DICOM series, sorted
 * along the slice normal by the DICOM reader. Pure JS: the same in a page, a worker and Node.
 */
import { ImageInputError } from '../errors.ts';
import type { EngineLimits } from '../limits.ts';
import { isDicom, readDicom, readDicomSeries, type DicomReadOptions } from '../formats/dicom/index.ts';
import { fileNameOf } from '../formats/model-metadata.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { isNifti, readNifti } from '../formats/nifti/index.ts';

/** One file: a URL, a File/Blob, or its bytes. */
export type ImageFileSource = string | URL | Blob | Uint8Array | ArrayBuffer | { name: string; bytes: Uint8Array | ArrayBuffer };

/** A file, or several (the slices of one DICOM series): an array, or an `<input multiple>`'s FileList. */
export type LoadImageSource = ImageFileSource | readonly ImageFileSource[] | FileList;

export interface LoadImageOptions {
  /** A name for messages when the source has none (bytes). */
  name?: string;
  /** maxImagePixels / maxTensorElements, checked from headers before decoding (src/limits.ts). */
  limits?: Partial<EngineLimits>;
  signal?: AbortSignal;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Passed to the DICOM reader: decode in a Worker or not, the series to read, where codecs are served. */
  dicom?: Pick<DicomReadOptions, 'worker' | 'seriesUid' | 'codecBaseUrl'>;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What kind of medical image the bytes hold, or undefined. */
export function sniffMedicalImage(bytes: Uint8Array): 'dicom' | 'nifti' | 'png' | undefined {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (isNifti(bytes)) return 'nifti';
  if (isDicom(bytes)) return 'dicom';
  return undefined;
}

/**
 * Reads a DICOM file or series, a NIfTI-1/2 (.nii, .nii.gz) or a PNG into intensities with geometry
 * (see MedicalImage). For a model, pass the result to predictImage (the model's metadata window
 * applies) or turn it into pixels with toModelImage.
 * @throws ImageInputError for bytes of no known kind, or several files that are not all DICOM;
 * DicomFormatError / NiftiFormatError for malformed files; LimitError for sizes over the limits.
 */
export async function loadImage(source: LoadImageSource, options: LoadImageOptions = {}): Promise<MedicalImage> {
  const isList = Array.isArray(source) || (typeof FileList !== 'undefined' && source instanceof FileList);
  const list = isList ? Array.from(source as ArrayLike<ImageFileSource>) : [source as ImageFileSource];
  if (list.length === 0) throw new ImageInputError('loadImage: no files given');
  const files = await Promise.all(list.map((s, i) => readSource(s, i, options)));
  options.signal?.throwIfAborted();
  const { limits, signal } = options;
  if (files.length > 1) {
    const notDicom = files.find((f) => !isDicom(f.bytes));
    if (notDicom) throw new ImageInputError(`loadImage: several files are read as one DICOM series, but ${notDicom.name} is not DICOM`);
    return readDicomSeries(files, { ...options.dicom, limits, signal });
  }
  const [{ name, bytes }] = files;
  switch (sniffMedicalImage(bytes)) {
    case 'png':
      // Loaded when a PNG comes: a page reading only DICOM/NIfTI does not bundle the PNG decoder.
      return (await import('./png16.ts')).readPng(bytes, { name, limits });
    case 'nifti':
      return readNifti(bytes, { name, limits });
    case 'dicom':
      return readDicom(bytes, { ...options.dicom, name, limits, signal });
    default:
      throw new ImageInputError(`${name} is not DICOM, NIfTI (.nii, .nii.gz) or PNG (${bytes.length} bytes)`);
  }
}

async function readSource(source: ImageFileSource, index: number, options: LoadImageOptions): Promise<{ name: string; bytes: Uint8Array }> {
  const fallback = options.name ?? `image ${index}`;
  if (source instanceof Uint8Array) return { name: fallback, bytes: source };
  if (source instanceof ArrayBuffer) return { name: fallback, bytes: new Uint8Array(source) };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { name: (source as File).name || fallback, bytes: new Uint8Array(await source.arrayBuffer()) };
  }
  if (typeof source === 'string' || source instanceof URL) return fetchFile(String(source), options);
  if (source && typeof source === 'object' && 'bytes' in source && typeof source.bytes === 'object') {
    const named = source as { name: string; bytes: Uint8Array | ArrayBuffer };
    const b = named.bytes;
    return { name: named.name || fallback, bytes: b instanceof Uint8Array ? b : new Uint8Array(b) };
  }
  throw new ImageInputError(`loadImage: source ${index} is not a URL, File/Blob, Uint8Array, ArrayBuffer or { name, bytes }`);
}

async function fetchFile(url: string, options: LoadImageOptions): Promise<{ name: string; bytes: Uint8Array }> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new ImageInputError(`loadImage: no fetch() here to download ${url}`);
  let res: Response;
  try {
    res = await fetchFn(url, options.signal ? { signal: options.signal } : undefined);
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new ImageInputError(`could not download ${url}: ${(cause as Error)?.message ?? cause}`, { cause });
  }
  if (!res.ok) throw new ImageInputError(`could not download ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  return { name: fileNameOf(url), bytes: new Uint8Array(await res.arrayBuffer()) };
}
