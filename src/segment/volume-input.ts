/**
 * What segmentation accepts as a volume, checked before anything is resampled or run: one greyscale
 * 3-D volume (a 4-D one only with a single time point), of sensible size, with a geometry (an affine,
 * or for a DICOM series one built from its orientation and spacing), and, for a DICOM series, slices
 * evenly spaced (a missing slice shows as an uneven step; duplicated positions the reader refuses).
 * Every failure is a typed error naming the volume; none can hang.
 */
import { DicomFormatError, ShapeError } from '../errors.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { checkAffine, determinant3, type Affine } from './affine.ts';
import type { Grid, Shape3 } from './conform.ts';

/** No scanner volume has an axis longer than this; a header that says so is corrupt. */
export const MAX_AXIS = 2048;

export interface CheckedVolume {
  grid: Grid;
  data: Float32Array;
  notes: string[];
}

export function checkVolume(image: MedicalImage): CheckedVolume {
  const name = image.name;
  const notes: string[] = [];
  if (image.channels !== 1) throw new ShapeError(`${name}: a colour image (${image.shape.join('×')}) is not a volume to segment`);
  let shape = image.shape;
  if (shape.length === 4 && shape[3] === 1) shape = shape.slice(0, 3);
  if (shape.length === 4) throw new ShapeError(`${name} is 4-D (${shape.join('×')}, ${shape[3]} time points or channels): segmentation takes one 3-D volume; pick one`);
  if (shape.length !== 3) throw new ShapeError(`${name} is ${shape.length}-D (${shape.join('×')}): segmentation takes one 3-D volume`);
  if (shape.some((n) => !Number.isInteger(n) || n < 2 || n > MAX_AXIS)) {
    throw new ShapeError(`${name}: dimensions ${shape.join('×')} are not a volume (each axis must be 2..${MAX_AXIS} voxels)`);
  }
  const voxels = shape[0] * shape[1] * shape[2];
  if (image.data.length !== voxels) throw new ShapeError(`${name}: ${image.data.length} values for ${shape.join('×')} voxels (truncated?)`);
  if (image.format === 'dicom') checkSeries(image);
  const affine = image.affine ? checkAffine(image.affine, name) : dicomAffine(image, notes);
  const det = determinant3(affine);
  if (!(Math.abs(det) > 1e-6) || Math.abs(det) > 1e6) throw new ShapeError(`${name}: voxel volume ${Math.abs(det)} mm³ from the affine is not plausible`);
  return { grid: { shape: shape as Shape3, affine }, data: image.data, notes: [...(image.notes ?? []), ...notes] };
}

/**
 * A step this far (relative) from the mean step means a missing or extra slice: one missing slice
 * of n makes a step about (n − 1)/n of the mean too long. Scanners' own jitter is ~1 % (the shared
 * 20-slice brain series: 1.006 %), which the reader notes and segmentation accepts.
 */
const MISSING_SLICE = 0.25;

/**
 * A series whose slice steps are far from even has a missing (or extra) slice: resampling it would
 * misplace anatomy. The reader's note (formats/dicom/series.ts sliceSpacing) carries the mean step
 * and the worst deviation; duplicated positions the reader already refuses.
 */
function checkSeries(image: MedicalImage): void {
  const uneven = image.notes?.find((n) => n.startsWith('uneven slice spacing'));
  const m = uneven?.match(/mean (\d+(?:\.\d+)?) mm by up to (\d+(?:\.\d+)?) mm/);
  if (uneven && (!m || Number(m[2]) > MISSING_SLICE * Number(m[1]))) {
    throw new DicomFormatError(`${image.name}: ${uneven}. A slice is missing or misplaced; segmentation needs evenly spaced slices`);
  }
}

/**
 * A DICOM series' voxel→RAS affine for its [slice, row, column] axes, from Image Orientation
 * (Patient) and the spacing. The reader does not keep the first slice's position, so the origin is
 * 0 (said in the notes): the labels' geometry relative to the scan is right, their scanner offset not.
 */
function dicomAffine(image: MedicalImage, notes: string[]): Affine {
  const spacing = image.spacing;
  if (!spacing || spacing.length < 3 || spacing.some((s) => !(s > 0))) {
    throw new ShapeError(`${image.name}: no voxel spacing and no affine: the volume cannot be placed on a model's grid`);
  }
  const [ds, dr, dc] = spacing;
  const o = image.orientation;
  // LPS directions of the column index (along a row), the row index, and the slice index.
  let alongRow = [1, 0, 0];
  let alongColumn = [0, 1, 0];
  if (o && o.length === 6) {
    alongRow = o.slice(0, 3);
    alongColumn = o.slice(3, 6);
  } else notes.push(`${image.name}: no Image Orientation (Patient): axial slices assumed`);
  const normal = [
    alongRow[1] * alongColumn[2] - alongRow[2] * alongColumn[1],
    alongRow[2] * alongColumn[0] - alongRow[0] * alongColumn[2],
    alongRow[0] * alongColumn[1] - alongRow[1] * alongColumn[0],
  ];
  notes.push(`${image.name}: DICOM series placed with origin 0 (the first slice's position is not kept by the reader)`);
  // LPS → RAS flips x and y.
  const flip = [-1, -1, 1];
  return [0, 1, 2].map((r) => [normal[r] * ds * flip[r], alongColumn[r] * dr * flip[r], alongRow[r] * dc * flip[r], 0]).concat([[0, 0, 0, 1]]);
}
