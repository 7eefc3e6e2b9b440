/**
 * A DICOM series (a folder, or several files) to one volume [slices, rows, cols]: the files are
 * grouped by Series Instance UID, their headers checked against each other (size, orientation), and
 * sorted by position along the slice normal (row cosines × column cosines, · Image Position
 * (Patient)), the order pydicom users compute; without positions, by Instance Number, with a note.
 * The spacing between slices is the mean step from the first to the last position; uneven steps get
 * a note. Headers are read first (cheap), so pixels are decoded only for the chosen series.
 */
import { AbortError, DicomFormatError } from '../../errors.ts';
import { checkLimit, type EngineLimits } from '../../limits.ts';
import type { MedicalImage } from '../medical/types.ts';
import { dot, normalOf, type DecodedDicom } from './decode.ts';
import { readHeader, type DicomHeader } from './header.ts';
import { parseDicomBytes } from './parse.ts';

export interface SeriesFile {
  name: string;
  bytes: Uint8Array;
}

export interface SeriesOptions {
  /** Which series to read when the files hold several (its Series Instance UID). */
  seriesUid?: string;
  limits?: Partial<EngineLimits>;
  signal?: AbortSignal;
}

interface Slice {
  file: SeriesFile;
  header: DicomHeader;
  position?: number;
}

/** A step this far (relative) from the mean step is "uneven" (scanners round positions to ~0.01 mm). */
const UNEVEN = 0.01;

/** Picks, checks and orders the slices; `decode` turns each chosen file into pixels. */
export async function readSeries(
  files: readonly SeriesFile[],
  options: SeriesOptions,
  decode: (file: SeriesFile) => Promise<DecodedDicom>,
): Promise<MedicalImage> {
  if (files.length === 0) throw new DicomFormatError('The DICOM series has no files');
  const notes: string[] = [];
  const slices: Slice[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    if (options.signal?.aborted) throw new AbortError(`Reading the DICOM series was aborted: ${String(options.signal.reason)}`, { cause: options.signal.reason });
    const base = file.name.split(/[\\/]/).pop() ?? file.name;
    if (base.toUpperCase() === 'DICOMDIR') {
      skipped.push(file.name);
      continue;
    }
    const { dataSet } = parseDicomBytes(file.bytes, file.name);
    if (!dataSet.elements.x7fe00010) {
      skipped.push(file.name);
      continue;
    }
    slices.push({ file, header: readHeader(dataSet, file.name) });
  }
  if (skipped.length) notes.push(`skipped ${skipped.length} file(s) without pixel data: ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''}`);
  const chosen = chooseSeries(slices, options.seriesUid);
  const first = chosen[0]!.header;
  for (const s of chosen) checkFits(s, chosen[0]!);
  checkLimit(options.limits, 'maxTensorElements', first.rows * first.cols * first.samples * chosen.length,
    `DICOM series (${chosen.length} slices of ${first.cols}×${first.rows}×${first.samples})`, 'values');

  const ordered = order(chosen, notes);
  const decoded: DecodedDicom[] = [];
  for (const s of ordered) decoded.push(await decode(s.file));
  const sliceSize = decoded[0]!.image.data.length;
  const data = new Float32Array(sliceSize * decoded.length);
  decoded.forEach((d, i) => data.set(d.image.data, i * sliceSize));

  const head = decoded[0]!.image;
  const spacing = sliceSpacing(ordered, notes);
  const image: MedicalImage = {
    ...head,
    name: seriesName(files),
    data,
    shape: [decoded.length, ...head.shape],
    description: `${head.description.replace(/, \d+×\d+$/, '')}, ${decoded.length} slices of ${first.cols}×${first.rows}`,
  };
  delete image.spacing;
  if (first.pixelSpacing && spacing !== undefined) image.spacing = [spacing, ...first.pixelSpacing];
  const affine = seriesAffine(ordered, spacing, first);
  if (affine) image.affine = affine;
  if (notes.length) image.notes = notes;
  return image;
}

/**
 * The voxel→world affine of the [slice, row, column] volume in RAS (nibabel's convention, as a
 * NIfTI's): the first sorted slice's Image Position (Patient), the row and column direction cosines
 * times the pixel spacing, the slice normal times the mean step; DICOM's LPS becomes RAS by negating
 * x and y. Undefined without positions, orientation, pixel spacing or a slice step.
 */
function seriesAffine(ordered: Slice[], spacing: number | undefined, h: DicomHeader): number[][] | undefined {
  const o = h.orientation;
  const p0 = ordered[0]!.position !== undefined ? ordered[0]!.header.positions?.[0] : undefined;
  if (!o || !p0 || !h.pixelSpacing || spacing === undefined || !(spacing > 0)) return undefined;
  const normal = normalOf(o);
  const [betweenRows, betweenColumns] = h.pixelSpacing;
  // Column c of the affine: where one step along voxel axis c goes (slice, row index, column index).
  const axes = [normal.map((v) => v * spacing), o.slice(3, 6).map((v) => v * betweenRows), o.slice(0, 3).map((v) => v * betweenColumns)];
  const rows = [0, 1, 2].map((r) => {
    const lpsToRas = r < 2 ? -1 : 1;
    return [axes[0][r]! * lpsToRas, axes[1][r]! * lpsToRas, axes[2][r]! * lpsToRas, p0[r]! * lpsToRas];
  });
  return [...rows, [0, 0, 0, 1]];
}

function seriesName(files: readonly SeriesFile[]): string {
  const dirs = new Set(files.map((f) => f.name.split(/[\\/]/).slice(0, -1).join('/')));
  const dir = dirs.size === 1 ? [...dirs][0] : '';
  return dir ? `${dir}/ (${files.length} files)` : `${files.length} DICOM files`;
}

function chooseSeries(slices: Slice[], seriesUid?: string): Slice[] {
  if (slices.length === 0) throw new DicomFormatError('None of the files holds an image (no Pixel Data)');
  const groups = new Map<string, Slice[]>();
  for (const s of slices) {
    const uid = s.header.seriesUid ?? '(no Series Instance UID)';
    let g = groups.get(uid);
    if (!g) groups.set(uid, (g = []));
    g.push(s);
  }
  if (seriesUid !== undefined) {
    const g = groups.get(seriesUid);
    if (!g) throw new DicomFormatError(`No file belongs to series ${seriesUid}; the files hold ${describeGroups(groups)}`);
    return g;
  }
  if (groups.size > 1) {
    throw new DicomFormatError(`The files hold ${groups.size} series: ${describeGroups(groups)}. Choose one with the seriesUid option`);
  }
  return [...groups.values()][0]!;
}

function describeGroups(groups: Map<string, Slice[]>): string {
  return [...groups].map(([uid, g]) => `${uid} (${g.length} file(s), e.g. ${g[0]!.file.name})`).join('; ');
}

function checkFits(s: Slice, ref: Slice): void {
  const a = s.header;
  const b = ref.header;
  const what = `${s.file.name} does not fit the series of ${ref.file.name}`;
  if (a.frames !== 1) throw new DicomFormatError(`${s.file.name} has ${a.frames} frames: a series is read from single-frame files (read a multi-frame file on its own)`);
  if (a.rows !== b.rows || a.cols !== b.cols) throw new DicomFormatError(`${what}: ${a.cols}×${a.rows} against ${b.cols}×${b.rows}`);
  if (a.samples !== b.samples) throw new DicomFormatError(`${what}: ${a.samples} against ${b.samples} samples per pixel`);
  if (a.orientation && b.orientation && a.orientation.some((v, i) => Math.abs(v - b.orientation![i]!) > 1e-4)) {
    throw new DicomFormatError(`${what}: orientation [${a.orientation.join(', ')}] against [${b.orientation.join(', ')}]`);
  }
}

function order(slices: Slice[], notes: string[]): Slice[] {
  const orientation = slices[0]!.header.orientation;
  const positioned = orientation && slices.every((s) => s.header.positions?.[0]);
  if (positioned) {
    const n = normalOf(orientation);
    for (const s of slices) s.position = dot(n, s.header.positions![0]!);
    const sorted = [...slices].sort((a, b) => a.position! - b.position!);
    for (let i = 1; i < sorted.length; i++) {
      if (Math.abs(sorted[i]!.position! - sorted[i - 1]!.position!) < 1e-6) {
        throw new DicomFormatError(`${sorted[i - 1]!.file.name} and ${sorted[i]!.file.name} lie at the same position along the slice normal (${sorted[i]!.position!.toFixed(3)} mm): two acquisitions in one series?`);
      }
    }
    return sorted;
  }
  if (slices.length > 1) {
    const by = slices.every((s) => s.header.instanceNumber !== undefined) ? 'Instance Number' : 'file name';
    notes.push(`slices sorted by ${by}: ${orientation ? 'some files lack' : 'the files lack'} Image Position/Orientation (Patient)`);
    return [...slices].sort((a, b) =>
      by === 'Instance Number' ? a.header.instanceNumber! - b.header.instanceNumber! : a.file.name.localeCompare(b.file.name));
  }
  return slices;
}

function sliceSpacing(ordered: Slice[], notes: string[]): number | undefined {
  const h = ordered[0]!.header;
  if (ordered.length < 2 || ordered.some((s) => s.position === undefined)) return h.spacingBetweenSlices ?? h.sliceThickness;
  const pos = ordered.map((s) => s.position!);
  const mean = (pos[pos.length - 1]! - pos[0]!) / (pos.length - 1);
  let worst = 0;
  for (let i = 1; i < pos.length; i++) worst = Math.max(worst, Math.abs(pos[i]! - pos[i - 1]! - mean));
  if (worst > UNEVEN * mean) {
    notes.push(`uneven slice spacing: steps differ from the mean ${mean.toFixed(4)} mm by up to ${worst.toFixed(4)} mm; the volume's spacing is the mean`);
  }
  return mean;
}
