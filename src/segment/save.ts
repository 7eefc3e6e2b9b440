/**
 * A result volume (labels or probabilities) as NIfTI bytes in the input's own space, the one way
 * `mi segment -o` and `<mi-segmenter>`'s Save (labelsNifti) write it: the input's affine as sform
 * (and qform where it has no shear), with the input NIfTI's transform code (MNI stays MNI), else 1
 * (scanner: a DICOM series).
 */
import type { MedicalImage } from '../formats/medical/types.ts';
import type { NiftiImage } from '../formats/nifti/index.ts';
import { writeNifti, type NiftiWriteType } from '../formats/nifti/write.ts';

export interface ResultNiftiOptions {
  datatype: NiftiWriteType;
  gzip: boolean;
  /** Named in errors (the output path); default the volume's name. */
  name?: string;
}

export function resultNifti(volume: MedicalImage, input: MedicalImage | undefined, options: ResultNiftiOptions): Uint8Array {
  const code = (input as Partial<NiftiImage> | undefined)?.header?.xformCode;
  return writeNifti(volume.data, volume.shape, volume.affine!, {
    datatype: options.datatype,
    gzip: options.gzip,
    sformCode: code && code > 0 ? code : 1,
    description: volume.description,
    name: options.name ?? volume.name,
  });
}

/** The integer type a label volume is saved in: uint8, or int16 past 256 labels. */
export const labelsDatatype = (labelCount: number): NiftiWriteType => (labelCount > 256 ? 'int16' : 'uint8');
