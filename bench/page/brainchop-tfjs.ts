/**
 * TF.js running a MeshNet on a whole volume the way brainchop does it, for the volume row of
 * `mi bench`: brainchop's "FullVolume" path for a model without a pre-model (niivue/niivue-brainchop,
 * brainchop-mainthread.js, inferenceFullVolumePhase2, with model5_gw_ae's settings from
 * brainchop-parameters.js: enableCrop, cropPadding 18, autoThreshold 0, enableTranspose, no quantile
 * normalisation, no sequential convolution). Reproduced here, not copied:
 *
 *   tensor from the file's voxel order → min–max to [0, 1] → bounding box of voxels > 0 → crop, zero
 *   padding of 18 on every side → transpose → the model's layers applied one by one (each input
 *   disposed once the next exists) → argMax over the classes → transpose back, padding removed,
 *   zero padding back to the full volume → labels read back.
 *
 * Left out, and said in the report: brainchop's 100 ms pause between layers (inferenceDelay, a UI
 * yield; here a 0 ms one), and its connected-components clean-up of the labels (isPostProcessEnable),
 * which is not part of the model's answer; the bounding box is read from tf.whereAsync's flat data
 * instead of arraySync's nested arrays (the same box).
 */
import { useBackend } from './tfjs-runner.ts';
import { BRAINCHOP_CROP_PADDING } from '../../src/cli/commands/bench-volume-report.ts';

/** The few TF.js tensor methods this path uses. */
export interface TfT {
  shape: number[];
  max(): TfT;
  min(): TfT;
  sub(x: TfT): TfT;
  div(x: TfT): TfT;
  greater(x: number): TfT;
  slice(begin: number[], size: number[]): TfT;
  pad(paddings: [number, number][]): TfT;
  transpose(): TfT;
  reshape(shape: number[]): TfT;
  argMax(axis: number): TfT;
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}
interface TfLayer {
  apply(x: TfT): TfT;
}
interface TfLayersModel {
  layers: TfLayer[];
  dispose(): void;
}
export interface TfMemory {
  numBytes: number;
  numBytesInGPU?: number;
  numTensors: number;
}
interface TfVolumeApi {
  version: { tfjs: string };
  tensor(data: Float32Array, shape: number[]): TfT;
  whereAsync(condition: TfT): Promise<TfT>;
  memory(): TfMemory;
  loadLayersModel(url: string): Promise<TfLayersModel>;
}

export interface BrainchopResult {
  /** Labels in the input's (file) order and shape. */
  labels: Int32Array;
  loadMs: number;
  /** Normalise → labels read back. */
  inferMs: number;
  /** The box brainchop ran on, padding included: [d, h, w] of the tensor it fed the model. */
  modelInput: number[];
  /** Largest tf.memory() seen (sampled after every step and layer). */
  peakBytes: number;
  peakGpuBytes?: number;
  layers: number;
  version: string;
}

/**
 * `fileOrder`: the volume as brainchop's tensor holds it (shape `dims`, the NIfTI file's voxel order,
 * C order of (k, j, i)); returns its labels in the same order.
 */
export async function brainchopFullVolume(modelUrl: string, fileOrder: Float32Array, dims: [number, number, number], onLayer?: (done: number, total: number) => void): Promise<BrainchopResult> {
  const tf = (await useBackend('webgl')) as unknown as TfVolumeApi;
  let peakBytes = 0;
  let peakGpuBytes: number | undefined;
  const sample = () => {
    const m = tf.memory();
    peakBytes = Math.max(peakBytes, m.numBytes);
    if (m.numBytesInGPU !== undefined) peakGpuBytes = Math.max(peakGpuBytes ?? 0, m.numBytesInGPU);
  };
  const t0 = performance.now();
  const model = await tf.loadLayersModel(modelUrl);
  const loadMs = performance.now() - t0;
  const pad = BRAINCHOP_CROP_PADDING;
  try {
    const t1 = performance.now();
    const slices = tf.tensor(fileOrder, dims);
    const max = slices.max();
    const min = slices.min();
    const range = max.sub(min);
    const shifted = slices.sub(min);
    const normalised = shifted.div(range);
    for (const t of [slices, max, min, range, shifted]) t.dispose();
    sample();
    // autoThreshold 0: brainchop's mask is every voxel above 0 after normalisation.
    const mask = normalised.greater(0);
    const coords = await tf.whereAsync(mask);
    mask.dispose();
    const flat = await coords.data();
    coords.dispose();
    const lo = [...dims];
    const hi = [-1, -1, -1];
    for (let n = 0; n < flat.length; n += 3) {
      for (let a = 0; a < 3; a++) {
        const v = flat[n + a];
        if (v < lo[a]) lo[a] = v;
        if (v > hi[a]) hi[a] = v;
      }
    }
    if (hi[0] < 0) throw new Error('brainchop: no voxel above 0 after min–max normalisation');
    const size = [0, 1, 2].map((a) => hi[a] - lo[a] + 1);
    const cropped = normalised.slice(lo, size);
    normalised.dispose();
    const padded = cropped.pad([[pad, pad], [pad, pad], [pad, pad]]);
    cropped.dispose();
    const transposed = padded.transpose();
    padded.dispose();
    const inputShape = [...transposed.shape];
    let current = transposed.reshape([1, ...inputShape, 1]);
    transposed.dispose();
    sample();
    // Layer 0 is the InputLayer; brainchop applies the rest one at a time from a timer.
    const total = model.layers.length - 1;
    for (let i = 1; i <= total; i++) {
      const next = model.layers[i].apply(current);
      current.dispose();
      current = next;
      sample();
      onLayer?.(i, total);
      await new Promise((r) => setTimeout(r, 0));
    }
    const argmax = current.argMax(-1);
    current.dispose();
    const volume = argmax.reshape(inputShape);
    argmax.dispose();
    const back = volume.transpose();
    volume.dispose();
    const unpadded = back.slice([pad, pad, pad], size);
    back.dispose();
    const full = unpadded.pad([0, 1, 2].map((a) => [lo[a], dims[a] - lo[a] - size[a]] as [number, number]));
    unpadded.dispose();
    sample();
    const labels = Int32Array.from(await full.data());
    full.dispose();
    const inferMs = performance.now() - t1;
    return { labels, loadMs, inferMs, modelInput: inputShape, peakBytes, peakGpuBytes, layers: total, version: tf.version.tfjs };
  } finally {
    model.dispose();
  }
}
