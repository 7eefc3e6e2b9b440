/**
 * What the medical-image readers (DICOM, NIfTI, 16-bit PNG) produce, and what the rest of the engine
 * (loadImage/predictImage, the element, `mi decode`/`mi predict --image`) consumes. Intensities are
 * kept as float32 in the units the format defines (after the DICOM modality LUT, after NIfTI's
 * scl_slope/scl_inter), never squeezed to 8 bits: a window or a model's metadata decides that later.
 */

/** A DICOM VOI window (PS3.3 C.11.2.1.2). */
export interface VoiWindow {
  center: number;
  width: number;
  /** VOI LUT Function (0028,1056); LINEAR when absent. */
  function?: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
  explanation?: string;
}

/** A VOI LUT Sequence item (0028,3010): descriptor [entries, first mapped value, bits] and the table. */
export interface VoiLut {
  firstMapped: number;
  bits: number;
  table: Uint16Array | Int16Array | Float32Array;
  explanation?: string;
}

/** Decoded intensities with their geometry. */
export interface MedicalImage {
  format: 'dicom' | 'nifti' | 'png';
  /** For messages: the file (or folder/series) name. */
  name: string;
  /** Row-major (C order) float32 intensities, laid out by `shape`. */
  data: Float32Array;
  /**
   * DICOM: [rows, cols] one greyscale frame; [frames, rows, cols] a multi-frame file or a series sorted
   * along the slice normal; [rows, cols, 3] / [frames, rows, cols, 3] colour (RGB, after YBR→RGB).
   * NIfTI: nibabel's get_fdata() shape (i, j, k[, t]) in C order of those axes. PNG: [rows, cols] or [rows, cols, 3].
   */
  shape: number[];
  /** Colour images: 3; greyscale: 1. */
  channels: 1 | 3;
  /** Millimetres between samples, per spatial axis of `shape` in the same order, when the format says. */
  spacing?: number[];
  /** DICOM: Image Orientation (Patient), row then column direction cosines. */
  orientation?: number[];
  /**
   * The 4×4 voxel→world (RAS, mm) affine, row-major. NIfTI: what nibabel reports (sform, else qform,
   * else pixdim). A DICOM series with positions, orientation and spacing: for its [slice, row, col] axes.
   */
  affine?: number[][];
  /** DICOM: the windows the file carries (first is the default `--voi`), if any. */
  windows?: VoiWindow[];
  /** DICOM: the file's VOI LUT Sequence, if any. */
  voiLut?: VoiLut;
  /** The DICOM Photometric Interpretation as stored (for MONOCHROME1 see `inverted`). */
  photometric?: string;
  /**
   * MONOCHROME1: true. The intensities in `data` are NOT inverted (they are the modality values,
   * as pydicom's apply_modality_lut gives); the VOI step inverts its output so bright means dense.
   */
  inverted?: boolean;
  /**
   * The range the stored values can take, in the units of `data`: DICOM, the Bits Stored range (signed
   * or not) through the rescale; PNG, 0..2^depth − 1. What 'from-file' maps onto [0, 1] when the file
   * has no window of its own (DICOM's "no VOI transform": the stored values as they are, so an 8-bit
   * image keeps its pixel values). Absent (float data, a Modality LUT Sequence): min..max is used.
   */
  valueRange?: [number, number];
  /** What the source held, for messages and reports: "DICOM JPEG-LS lossless, 16-bit signed, 20 slices". */
  description: string;
  /**
   * Things a user should know that did not stop the read: a DICOM series sorted by Instance Number
   * (positions missing), uneven slice spacing, files of a folder that were skipped.
   */
  notes?: string[];
}

/** How intensities become display/model values in [0, 1] (then ×255 for the 0..255 image pipeline). */
export type WindowSpec =
  | { center: number; width: number; function?: VoiWindow['function'] }
  /** The file's own first window (or its VOI LUT), else the stored values' full range (`valueRange`), else the data's min..max. */
  | 'from-file'
  /** The data's min..max, linearly. */
  | 'min-max';
