/**
 * segmentVolume: a whole 3-D scan through a fully convolutional segmentation model (MeshNet and the
 * like), the pipeline brainchop users rely on, shared by the CLI (`mi segment`), Node and the page:
 *
 *   conform (reorient + resample to the model's grid; skipped when the scan is already on it)
 *   → normalise (as the model's metadata says; without it min–max to [0, 1], brainchop's convention)
 *   → optional crop to the head's box plus the receptive field
 *   → tiled inference (predictVolumeTiled) → argmax (and softmax probabilities when asked)
 *   → write-back: un-crop, then nearest-neighbour resampling onto the input's own grid.
 *
 * Progress is reported per stage and per tile; an AbortSignal is honoured between stages and tiles.
 */
import { AbortError, ShapeError } from '../errors.ts';
import { windowFromSpec } from '../formats/dicom/index.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import type { ModelMetadata } from '../formats/model-metadata.ts';
import { predictVolumeTiled, receptiveField, type Extent3, type Reach, type VolumeModel } from '../runtime/tiled-volume.ts';
import { determinant3 } from './affine.ts';
import { conformGrid, resampleLinear, resampleNearest, sameGrid, type ConformSpec, type Grid, type Shape3, type SlabCallback } from './conform.ts';
import { extractBox, headBox, insertBox, type Box } from './crop.ts';
import { argmax, labelTable, labelVolumes, softmaxInPlace, type LabelEntry, type LabelVolume } from './labels.ts';
import { checkVolume } from './volume-input.ts';

export type SegmentStage = 'conform' | 'normalise' | 'infer' | 'write-back';

export interface SegmentProgress {
  stage: SegmentStage;
  /** 0..1 within the stage. */
  fraction: number;
  /** Inference: tiles done so far, of `tiles`. */
  tile?: number;
  tiles?: number;
}

/** A loaded 3-D model (Model, WasmModel, or any VolumeModel) and its metadata.json, if any. */
export interface SegmentModel extends VolumeModel {
  readonly metadata?: ModelMetadata;
}

export interface SegmentOptions {
  /** The model's grid (default FreeSurfer's: 256³, 1 mm, LIA); false runs on the input's own grid. */
  conform?: ConformSpec | false;
  /** Crop to the head's bounding box plus the receptive field before inference (default false). */
  crop?: boolean;
  /** Tile edge(s) for predictVolumeTiled (default: the largest that fits the device). */
  tile?: Extent3;
  /** The cap on one activation of a tile when `tile` is not given (default: defaultTileBytes(model)). */
  maxTileBytes?: number;
  /** Names per label, in place of the metadata's `labels` (the element's `labels`); a wrong count falls back with a note. */
  labels?: readonly string[];
  /** Also return the per-class probabilities (softmax of the outputs unless the model ends in softmax). */
  probabilities?: boolean;
  onProgress?: (progress: SegmentProgress) => void;
  signal?: AbortSignal;
}

export interface SegmentResult {
  /** Label per voxel (whole numbers as float32), on the input's grid: its shape and affine. */
  labels: MedicalImage;
  /** With `probabilities`: [i, j, k, classes] on the input's grid (trilinear write-back). */
  probabilities?: MedicalImage;
  /** Every label of the table with its voxel count and volume (voxels × the input voxel's mm³). */
  volumes: LabelVolume[];
  /** Names and colours per label (metadata `labels`/`colors`, else defaults). */
  labelTable: LabelEntry[];
  /** What the pipeline assumed or skipped (normalisation without metadata, conform skipped, crop box…). */
  notes: string[];
}

export async function segmentVolume(model: SegmentModel, image: MedicalImage, options: SegmentOptions = {}): Promise<SegmentResult> {
  const signal = options.signal;
  const progress = (p: SegmentProgress) => options.onProgress?.(p);
  const checkAbort = (stage: SegmentStage) => {
    if (signal?.aborted) throw new AbortError(`Segmentation of ${image.name} was aborted (${stage}): ${String(signal.reason)}`, { cause: signal.reason });
  };
  checkAbort('conform');
  const input = checkVolume(image);
  const notes = [...input.notes];
  const field = receptiveField(model.graph); // fails here, before any work, for a model tiling cannot run

  progress({ stage: 'conform', fraction: 0 });
  const grid = modelGrid(input.grid, options.conform);
  const onInputGrid = sameGrid(grid, input.grid);
  if (options.conform !== false) notes.push(onInputGrid ? 'conform skipped: the volume is already on the model grid' : `conformed ${input.grid.shape.join('×')} to ${grid.shape.join('×')} (${options.conform ? 'given grid' : '1 mm LIA'}, trilinear)`);
  // Between slabs of a resampling: progress, and the abort check (a 256³ resampling takes a second or more).
  const during = (stage: SegmentStage, scale = 1) => (fraction: number) => {
    progress({ stage, fraction: fraction * scale });
    checkAbort(stage);
  };
  const conformed = onInputGrid ? input.data : resampleLinear(input.data, input.grid, grid, during('conform'));
  progress({ stage: 'conform', fraction: 1 });

  checkAbort('normalise');
  progress({ stage: 'normalise', fraction: 0 });
  const normalised = normalise(conformed, model.metadata, notes);
  progress({ stage: 'normalise', fraction: 1 });

  checkAbort('infer');
  const { head, box, reversed, modelShape } = inferenceBox(model, conformed, grid.shape, field, options.crop);
  if (head) notes.push(`cropped to the head: ${box.size.join('×')} voxels at (${box.start.join(', ')}) (box of voxels above 1 % of the range, plus the receptive field)`);
  else if (options.crop) notes.push('crop skipped: no voxel above the threshold');
  const cropped = options.crop ? extractBox(normalised, grid.shape, box) : normalised;
  const volume = { shape: [1, ...modelShape, 1], data: reversed ? transpose(cropped, box.size, 1) : cropped };
  progress({ stage: 'infer', fraction: 0, tile: 0 });
  const scores = await predictVolumeTiled(model, volume, {
    tile: options.tile,
    maxTileBytes: options.maxTileBytes ?? defaultTileBytes(model),
    onProgress: (done, total) => {
      progress({ stage: 'infer', fraction: done / total, tile: done, tiles: total });
      checkAbort('infer'); // thrown out of predictVolumeTiled before the next tile
    },
  });
  const classes = scores.shape[4];
  const boxScores = reversed ? transpose(scores.data, modelShape, classes) : scores.data;

  checkAbort('write-back');
  progress({ stage: 'write-back', fraction: 0 });
  const boxLabels = argmax(boxScores, classes);
  const gridLabels = options.crop ? insertBox(boxLabels, grid.shape, box) : boxLabels;
  const labels = onInputGrid ? gridLabels : resampleNearest(gridLabels, grid, input.grid, options.probabilities ? during('write-back', 0.5) : during('write-back'));
  const table = labelTable(classes, options.labels ? { ...model.metadata, labels: [...options.labels] } : model.metadata, notes);
  const voxelMm3 = Math.abs(determinant3(input.grid.affine));
  const result: SegmentResult = {
    labels: asImage(image, labels, input.grid, 'labels', `${classes}-class labels of ${image.name}`),
    volumes: labelVolumes(labels, table, voxelMm3),
    labelTable: table,
    notes,
  };
  if (options.probabilities) {
    const lastOp = model.graph.nodes.find((n) => n.output === model.graph.outputs[0])?.op;
    if (lastOp !== 'softmax' && model.metadata?.outputActivation !== 'softmax') softmaxInPlace(boxScores, classes);
    else notes.push('probabilities: the model ends in softmax, its outputs are used as they are');
    // Outside a crop box only background was: probability 1 for class 0.
    const gridScores = options.crop ? insertBox(boxScores, grid.shape, box, classes, (c) => (c === 0 ? 1 : 0)) : boxScores;
    const data = onInputGrid ? gridScores : resampleChannels(gridScores, classes, grid, input.grid, (f) => during('write-back')(0.5 + f / 2));
    result.probabilities = { ...asImage(image, data, input.grid, 'probabilities', `${classes}-class probabilities of ${image.name}`), shape: [...input.grid.shape, classes] };
  }
  progress({ stage: 'write-back', fraction: 1 });
  return result;
}

/** The grid the model runs on: the conform grid (FreeSurfer's by default), or the input's own with `conform: false`. */
export function modelGrid(input: Grid, conform: ConformSpec | false | undefined): Grid {
  return conform === false ? input : conformGrid(input, conform || {});
}

/**
 * The box of the model grid the model runs on (the head's box with `crop`, when there is a head;
 * else the whole grid) and its shape as the model sees it (axes reversed when the metadata says so).
 * Shared with estimateSegmentation, so an estimate plans the very box the run uses.
 */
export function inferenceBox(model: SegmentModel, conformed: Float32Array, shape: Shape3, field: Reach, crop: boolean | undefined): { head?: Box; box: Box; reversed: boolean; modelShape: Shape3 } {
  const head = crop ? headBox(conformed, shape, field) : undefined;
  const box: Box = head ?? { start: [0, 0, 0], size: shape };
  const reversed = model.metadata?.input?.orientation === 'reversed';
  return { head, box, reversed, modelShape: reversed ? [box.size[2], box.size[1], box.size[0]] : box.size };
}

/**
 * The pipeline's tile budget (bytes of the largest activation of one tile): as large as the backend
 * allows, because every tile pays the receptive field again (MeshNet model5 reaches 46 voxels a
 * side): predictVolumeTiled's own 256 MB default cut the 256³ T1 into 8 tiles of 237³ on WebAssembly,
 * 6× the voxels (228 s against 50 s for one tile, `npm run bench:volume`). WebGPU: the device's
 * binding limit. WebAssembly: a third of its 1 GiB tensor limit, since ONNX Runtime holds about three
 * activations of a chain at once in wasm32's 4 GiB (model5's 256³ × 5 channels, 320 MiB, fits).
 */
export function defaultTileBytes(model: SegmentModel): number {
  const limits = model.memoryLimits;
  const bound = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return (model as { backend?: string }).backend === 'wasm' ? Math.floor(bound / 3) : bound;
}

/**
 * The model's input values: metadata.input's window (default min–max) onto [0, 1], then its range
 * (default [0, 1]), scale, offset, mean and std, in that order (without a window or range, the
 * stored intensities go straight to scale/offset/mean/std); with none of those fields, min–max
 * to [0, 1] (brainchop's convention), said in the notes. Float32 arithmetic as numpy's
 * (v − min) / (max − min) on float32 data, so a volume matches a NumPy-made reference exactly.
 */
function normalise(data: Float32Array, metadata: ModelMetadata | undefined, notes: string[]): Float32Array {
  const recipe = metadata?.input;
  const given = recipe && (['window', 'range', 'scale', 'offset', 'mean', 'std'] as const).filter((k) => recipe[k] !== undefined);
  if (!recipe || !given?.length) {
    notes.push('normalised min–max to [0, 1] (no input recipe in the model\'s metadata: brainchop\'s convention)');
    return minMax(data);
  }
  notes.push(`normalised as the model's metadata says (${given.join(', ')})`);
  // A window or range says "map intensities onto [0, 1], then onto range"; without either, the
  // scale/offset/mean/std apply to the intensities as stored (as the image recipe's to raw pixels).
  const windowed = recipe.window !== undefined || recipe.range !== undefined;
  const unit = !windowed
    ? Float32Array.from(data)
    : recipe.window && recipe.window !== 'min-max'
      ? windowFromSpec({ format: 'nifti', name: 'volume', data, shape: [data.length], channels: 1, description: '' }, recipe.window)(data)
      : minMax(data);
  const [lo, hi] = windowed ? (recipe.range ?? [0, 1]) : [0, 1];
  const scale = recipe.scale ?? 1;
  const offset = recipe.offset ?? 0;
  const mean = recipe.mean?.[0] ?? 0;
  const std = recipe.std?.[0] ?? 1;
  for (let n = 0; n < unit.length; n++) unit[n] = ((unit[n] * (hi - lo) + lo) * scale + offset - mean) / std;
  return unit;
}

function minMax(data: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(data.length);
  const range = Math.fround(hi - lo);
  if (!(range > 0)) return out; // a constant volume: all zeros, nothing to scale
  for (let n = 0; n < data.length; n++) out[n] = Math.fround(Math.fround(data[n] - lo) / range);
  return out;
}

/** (a, b, c[, channel]) in C order → (c, b, a[, channel]). */
function transpose(data: Float32Array, [A, B, C]: Shape3, channels: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < A; a++) {
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const from = ((a * B + b) * C + c) * channels;
        const to = ((c * B + b) * A + a) * channels;
        for (let k = 0; k < channels; k++) out[to + k] = data[from + k];
      }
    }
  }
  return out;
}

/** Each channel of a [grid…, channels] volume resampled (trilinear) onto `to`, interleaved again. */
function resampleChannels(data: Float32Array, channels: number, from: Grid, to: Grid, onSlab: SlabCallback): Float32Array {
  const voxelsFrom = data.length / channels;
  const voxelsTo = to.shape[0] * to.shape[1] * to.shape[2];
  const out = new Float32Array(voxelsTo * channels);
  const one = new Float32Array(voxelsFrom);
  for (let c = 0; c < channels; c++) {
    for (let v = 0; v < voxelsFrom; v++) one[v] = data[v * channels + c];
    const moved = resampleLinear(one, from, to, (f) => onSlab((c + f) / channels));
    for (let v = 0; v < voxelsTo; v++) out[v * channels + c] = moved[v];
  }
  return out;
}

function asImage(source: MedicalImage, data: Float32Array, grid: Grid, what: string, description: string): MedicalImage {
  if (data.length % (grid.shape[0] * grid.shape[1] * grid.shape[2]) !== 0) throw new ShapeError(`${what}: ${data.length} values for the ${grid.shape.join('×')} grid`);
  const spacing = [0, 1, 2].map((c) => Math.hypot(grid.affine[0][c], grid.affine[1][c], grid.affine[2][c]));
  return { format: 'nifti', name: `${source.name} ${what}`, data, shape: [...grid.shape], channels: 1, spacing, affine: grid.affine.map((r) => [...r]), description };
}
