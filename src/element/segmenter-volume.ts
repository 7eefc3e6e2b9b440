/**
 * `<mi-segmenter>` on a 3-D model (input rank 5, MeshNet and the like): the whole scan through
 * segmentVolume (the pipeline `mi segment` runs: conform, normalise, optional crop, tiled inference,
 * write-back to the scan's own grid), its progress as `mi-progress` per stage and per tile, cancel,
 * the `mi-result` detail, and the labels as NIfTI bytes in the scan's own space.
 */
import type { BackendName, LoadedModel } from '../index.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { GRID_SYNTAX, parseGridSpec, type ConformSpec } from '../segment/conform.ts';
import type { LabelEntry, LabelVolume } from '../segment/labels.ts';
import { labelsDatatype, resultNifti } from '../segment/save.ts';
import { segmentVolume, type SegmentProgress, type SegmentStage } from '../segment/segment.ts';
import { ImageInputError } from '../errors.ts';

/** A model whose input is a volume `[batch, depth, height, width, channels]`. */
export const isVolumeModel = (model: Pick<LoadedModel, 'info'>): boolean => model.info.inputs[0]?.shape.length === 5;

/** `mi-result` of `<mi-segmenter>` on a 3-D model. */
export interface MiSegmentVolumeDetail {
  kind: 'volume';
  /** Label per voxel on the input's grid (its shape and affine): whole numbers as float32. */
  labels: MedicalImage;
  /** Every label with its voxel count and volume in mm³. */
  volumes: LabelVolume[];
  /** Names and colours per label (the model's metadata `labels`/`colors`, else defaults). */
  labelTable: LabelEntry[];
  /** What the pipeline assumed or skipped (normalisation without metadata, conform, crop box…). */
  notes: string[];
  /** Milliseconds for the whole pipeline. */
  ms: number;
  adapter: string;
  backend: BackendName;
}

/** `mi-progress` while a volume is segmented: `fraction` is of the whole run and never decreases. */
export interface MiSegmentProgressDetail {
  phase: 'segment';
  stage: SegmentStage;
  fraction: number;
  /** Inference: tiles done so far, of `tiles`. */
  tile?: number;
  tiles?: number;
  text: string;
}

/** Each stage's share of the bar: inference is nearly all of the time. */
const SHARES: Record<SegmentStage, [number, number]> = {
  conform: [0, 0.05],
  normalise: [0.05, 0.07],
  infer: [0.07, 0.95],
  'write-back': [0.95, 1],
};

const STAGE_TEXT: Record<SegmentStage, string> = {
  conform: 'Conforming the volume to the model grid',
  normalise: 'Normalising intensities',
  infer: 'Running the model',
  'write-back': 'Writing the labels back to the scan grid',
};

export function progressDetail(p: SegmentProgress): MiSegmentProgressDetail {
  const [from, to] = SHARES[p.stage];
  const fraction = from + (to - from) * Math.min(1, Math.max(0, p.fraction));
  const tiles = p.tiles ? `: tile ${p.tile} of ${p.tiles}` : '';
  const text = `${STAGE_TEXT[p.stage]}${tiles} (${Math.round(fraction * 100)} %)`;
  return { phase: 'segment', stage: p.stage, fraction, ...(p.tiles ? { tile: p.tile, tiles: p.tiles } : {}), text };
}

/** The `grid` attribute, as `mi segment --grid`: `N`, `N,MM` or `none` (the volume's own grid). */
export function parseGrid(text: string | undefined): ConformSpec | false | undefined {
  const spec = parseGridSpec(text);
  if (spec === null) throw new ImageInputError(`<mi-segmenter> grid must be ${GRID_SYNTAX}, got "${text}"`);
  return spec;
}

export interface VolumeRunOptions {
  crop?: boolean;
  tile?: number;
  grid?: string;
  labels?: string[];
  signal: AbortSignal;
  onProgress(detail: MiSegmentProgressDetail): void;
}

/** Segments `image` with `model`; the detail of `mi-result`. */
export async function segmentWithModel(model: LoadedModel, image: MedicalImage, options: VolumeRunOptions): Promise<MiSegmentVolumeDetail> {
  const t0 = performance.now();
  const tile = options.tile !== undefined && Number.isFinite(options.tile) && options.tile > 0 ? Math.round(options.tile) : undefined;
  let last = 0;
  const result = await segmentVolume(model, image, {
    crop: options.crop,
    tile,
    conform: parseGrid(options.grid),
    labels: options.labels,
    signal: options.signal,
    onProgress: (p) => {
      const detail = progressDetail(p);
      if (detail.fraction < last) return; // a stage's own first report may repeat the bar's position
      last = detail.fraction;
      options.onProgress(detail);
    },
  });
  return {
    kind: 'volume',
    labels: result.labels,
    volumes: result.volumes,
    labelTable: result.labelTable,
    notes: result.notes,
    ms: performance.now() - t0,
    adapter: model.adapterName,
    backend: model.backend,
  };
}

/**
 * The labels as a gzipped NIfTI in the scan's own space (what `mi segment -o labels.nii.gz` writes):
 * uint8 (int16 past 255 labels), the input's affine as sform and qform with the input NIfTI's
 * transform code (MNI stays MNI), else 1 (scanner).
 */
export function labelsNifti(detail: MiSegmentVolumeDetail, input: MedicalImage | undefined): Uint8Array {
  return resultNifti(detail.labels, input, { datatype: labelsDatatype(detail.labelTable.length), gzip: true });
}

/** A file name for the saved labels: the scan's name without its extension, `_labels.nii.gz`. */
export function labelsFileName(scanName: string | undefined): string {
  const base = (scanName ?? 'scan').replace(/\s*\(.*\)$/, '').replace(/\.(nii(\.gz)?|dcm|dicom|gz)$/i, '').replace(/[^\w.-]+/g, '_') || 'scan';
  return `${base}_labels.nii.gz`;
}

/** Offers `bytes` as a download named `name`. */
export function download(bytes: Uint8Array, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/gzip' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
