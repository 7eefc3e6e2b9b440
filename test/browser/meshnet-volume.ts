/**
 * Runs inside the test page for `npm run validate:meshnet`: reads the T1 NIfTI with
 * nifti-reader-js (which also un-gzips), min–max scales it to [0, 1], lays it out as [1, X, Y, Z, 1]
 * (NIfTI x, y, z order, as the fixtures' crops), runs a MeshNet model over the whole volume with
 * predictVolumeTiled, and compares the argmax labels with real Keras' labels (a gzipped uint8 .npy).
 * Only the statistics travel back: the 256³ logits stay in the page.
 */
import * as nifti from 'nifti-reader-js';
import { gunzipSync } from 'fflate';
import { loadModel } from '../../src/index.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import { predictVolumeTiled, receptiveField, type Extent3 } from '../../src/runtime/tiled-volume.ts';
import type { Tensor } from '../../src/tensor.ts';

/** The volume as float32 [1, X, Y, Z, 1], min–max scaled (NIfTI stores x fastest; we want z fastest). */
export function niftiToVolume(file: ArrayBuffer): Tensor {
  const data = nifti.isCompressed(file) ? (nifti.decompress(file) as ArrayBuffer) : file;
  if (!nifti.isNIFTI(data)) throw new Error('not a NIfTI file');
  const header = nifti.readHeader(data);
  const image = nifti.readImage(header, data);
  const [, X, Y, Z] = header.dims;
  const typed: Record<number, () => ArrayLike<number>> = {
    [nifti.NIFTI1.TYPE_UINT8]: () => new Uint8Array(image),
    [nifti.NIFTI1.TYPE_INT16]: () => new Int16Array(image),
    [nifti.NIFTI1.TYPE_FLOAT32]: () => new Float32Array(image),
  };
  const read = typed[header.datatypeCode];
  if (!read) throw new Error(`NIfTI datatype ${header.datatypeCode} is not handled here`);
  const src = read();
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < X * Y * Z; i++) {
    lo = Math.min(lo, src[i]);
    hi = Math.max(hi, src[i]);
  }
  // numpy's float32 (v − min) / (max − min): both operands exact in f32, one rounding.
  const range = Math.fround(hi - lo);
  const out = new Float32Array(X * Y * Z);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) out[(x * Y + y) * Z + z] = Math.fround(Math.fround(src[(z * Y + y) * X + x] - lo) / range);
    }
  }
  return { shape: [1, X, Y, Z, 1], data: out };
}

/** Largest |difference| between the volume's 32³ crop at `at` and `crop` ([1, 32, 32, 32, 1]). */
function cropDifference(volume: Tensor, crop: Tensor, at: number): number {
  const [, X, Y, Z] = volume.shape;
  const n = crop.shape[1];
  let max = 0;
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      for (let z = 0; z < n; z++) {
        max = Math.max(max, Math.abs(volume.data[((at + x) * Y + at + y) * Z + at + z] - crop.data[(x * n + y) * n + z]));
      }
    }
  }
  return X > 0 ? max : NaN;
}

/**
 * The whole-volume comparison. `cropUrl`: the model's 32³ fixture input, which is the volume's crop
 * at (112, 112, 112): checked first, so a wrong axis order or scaling fails at once, not after the run.
 */
export async function meshnetVolume(modelUrl: string, niiUrl: string, labelsUrl: string, cropUrl: string, tile: Extent3) {
  const volume = niftiToVolume(await (await fetch(niiUrl)).arrayBuffer());
  const cropDiff = cropDifference(volume, parseNpy(await (await fetch(cropUrl)).arrayBuffer()), 112);
  if (cropDiff !== 0) throw new Error(`the volume read here differs from the fixture's 32³ crop by up to ${cropDiff}`);
  const labelsResponse = await fetch(labelsUrl);
  if (!labelsResponse.ok) throw new Error(`reference labels ${labelsUrl}: HTTP ${labelsResponse.status} (make them with scripts/keras_refs/meshnet_volume.py)`);
  // The dev server may send .gz files with Content-Encoding: gzip, so the browser has already inflated them.
  const bytes = new Uint8Array(await labelsResponse.arrayBuffer());
  const expected = parseNpy(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
  const model = await loadModel(modelUrl, { backend: 'webgpu' });
  try {
    let tiles = 0;
    const t0 = performance.now();
    const logits = await predictVolumeTiled(model, volume, { tile, onProgress: (done, total) => { tiles = total; console.log(`tile ${done}/${total}`); } });
    const ms = performance.now() - t0;
    const K = logits.shape[4];
    const voxels = logits.data.length / K;
    if (expected.data.length !== voxels) throw new Error(`reference has ${expected.data.length} labels for ${voxels} voxels`);
    let same = 0;
    const counts = new Array<number>(K).fill(0);
    for (let v = 0; v < voxels; v++) {
      let best = 0;
      for (let c = 1; c < K; c++) if (logits.data[v * K + c] > logits.data[v * K + best]) best = c;
      counts[best]++;
      if (best === expected.data[v]) same++;
    }
    return { voxels, same, agreement: same / voxels, counts, tiles, ms, reach: receptiveField(model.graph), shape: logits.shape };
  } finally {
    await model.dispose();
  }
}
