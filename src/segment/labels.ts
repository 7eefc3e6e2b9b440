/**
 * From a model's per-voxel class scores to what a user reads: the label of each voxel (argmax), the
 * probabilities (softmax over classes), the label table (names and colours, from the model's
 * metadata or defaults) and each label's volume in mm³.
 */
import type { ModelMetadata } from '../formats/model-metadata.ts';

export interface LabelEntry {
  label: number;
  name: string;
  /** CSS hex colour. */
  color: string;
}

export interface LabelVolume {
  label: number;
  name: string;
  voxels: number;
  mm3: number;
}

/**
 * Default colours: label 0 (background) black, then FreeSurfer-like distinct hues (cortex, white
 * matter, ventricles, …), cycling for models with more classes.
 */
export const DEFAULT_PALETTE: readonly string[] = [
  '#000000', '#cd3e4e', '#f5f5f5', '#78128a', '#c4ba7d', '#00760e', '#7a8640', '#dcf8a4', '#e79422',
  '#00c8c8', '#0d30ff', '#dc0cbb', '#ffa500', '#a52a2a', '#3cb371', '#4682b4', '#9acd32', '#ff6347',
];

/**
 * The label table for `classes` classes: the metadata's `labels` and `colors` when they have one
 * entry per class (otherwise defaults, with a note saying why).
 */
export function labelTable(classes: number, metadata: ModelMetadata | undefined, notes: string[]): LabelEntry[] {
  const names = metadata?.labels;
  const colors = metadata?.colors;
  if (names && names.length !== classes) notes.push(`metadata labels name ${names.length} classes, the model has ${classes}: default names used`);
  if (colors && colors.length !== classes) notes.push(`metadata colors give ${colors.length} colours, the model has ${classes} classes: default colours used`);
  const useNames = names?.length === classes ? names : undefined;
  const useColors = colors?.length === classes ? colors : undefined;
  return Array.from({ length: classes }, (_, label) => ({
    label,
    name: useNames?.[label] ?? (label === 0 ? 'background' : `label ${label}`),
    color: useColors?.[label] ?? DEFAULT_PALETTE[label % DEFAULT_PALETTE.length],
  }));
}

/** Per-voxel argmax over the last axis of `scores` (K values per voxel); ties go to the lower class, as numpy's argmax. */
export function argmax(scores: Float32Array, classes: number): Float32Array {
  const voxels = scores.length / classes;
  const out = new Float32Array(voxels);
  for (let v = 0, base = 0; v < voxels; v++, base += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[base + c] > scores[base + best]) best = c;
    out[v] = best;
  }
  return out;
}

/** Softmax over the last axis, in place (max subtracted first, so large logits do not overflow). */
export function softmaxInPlace(scores: Float32Array, classes: number): Float32Array {
  for (let base = 0; base < scores.length; base += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[base + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += scores[base + c] = Math.exp(scores[base + c] - max);
    for (let c = 0; c < classes; c++) scores[base + c] /= sum;
  }
  return scores;
}

/** Each label's voxel count and volume (count × `voxelMm3`), every label of the table listed. */
export function labelVolumes(labels: Float32Array, table: readonly LabelEntry[], voxelMm3: number): LabelVolume[] {
  const counts = new Array<number>(table.length).fill(0);
  for (const v of labels) counts[v]++;
  return table.map(({ label, name }) => ({ label, name, voxels: counts[label], mm3: counts[label] * voxelMm3 }));
}

/** mm³ as people read it: cm³ from 1,000 mm³ up (mi segment's summary, the element's table). */
export const formatVolume = (mm3: number): string => (mm3 >= 1000 ? `${(mm3 / 1000).toFixed(1)} cm³` : `${mm3.toFixed(0)} mm³`);
