/**
 * Finding NaN and ±Infinity in float32 data, fast: weights are scanned at load (every format passes
 * through src/compile/from-keras.ts) and inputs before every run. A NaN that reaches the kernels
 * comes out as NaN (shaders/lib_nan.wgsl), but a caller who did not expect one should hear about it
 * before the GPU is involved, with the place it came from.
 *
 * Speed: the scan is a branch-free multiply-accumulate per block of 4096 values (v·0 is 0 for every
 * finite v and NaN for NaN and ±Infinity, so a block's sum is 0 exactly when the block is finite);
 * only a block that fails is walked again to find the first bad index. Under V8 on a busy 2-core
 * machine: 96 MB (the seed network's weights) 14–46 ms (a loop over Number.isFinite: ~125 ms;
 * one testing v − v per value: ~65 ms), a 256³ volume 9–16 ms, a 224×224×3 image 0.06 ms.
 */
import { NonFiniteError } from './errors.ts';
import { shapeToString } from './tensor.ts';

const BLOCK = 4096;

/** The index of the first NaN or ±Infinity in `data`, or -1 when every value is finite. */
export function firstNonFinite(data: Float32Array): number {
  const n = data.length;
  for (let s = 0; s < n; s += BLOCK) {
    const e = Math.min(s + BLOCK, n);
    // Four accumulators so the adds do not wait on one another.
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let i = s;
    for (; i + 4 <= e; i += 4) {
      a0 += data[i] * 0;
      a1 += data[i + 1] * 0;
      a2 += data[i + 2] * 0;
      a3 += data[i + 3] * 0;
    }
    for (; i < e; i++) a0 += data[i] * 0;
    if (a0 + a1 + a2 + a3 !== 0) {
      for (let j = s; j < e; j++) {
        const v = data[j];
        if (v - v !== 0) return j;
      }
    }
  }
  return -1;
}

/** Row-major coordinates of flat index `index` in `shape`. */
export function coordinatesOf(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = shape[d] > 0 ? rest % shape[d] : 0;
    rest = shape[d] > 0 ? Math.floor(rest / shape[d]) : 0;
  }
  return out;
}

const valueName = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/**
 * Throws NonFiniteError when a weight holds NaN or ±Infinity, e.g.
 * `Layer "conv2d_1" weight "kernel" has NaN at index 1234 (of 4608) [1, 0, 6, 34] in [3, 3, 16, 32]`.
 */
export function checkWeightFinite(layerName: string, weightName: string, data: Float32Array, shape: readonly number[]): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  const coordinates = coordinatesOf(i, shape);
  throw new NonFiniteError(
    `Layer "${layerName}" weight "${weightName}" has ${valueName(data[i])} at index ${i} (of ${data.length}) ` +
      `${shapeToString(coordinates)} in ${shapeToString(shape)}: the model file holds a non-finite weight ` +
      '(training diverged, or the file was damaged) and cannot give meaningful answers',
    { index: i, coordinates, value: data[i], layerName, weightName },
  );
}

/**
 * Throws NonFiniteError when input tensor number `input` holds NaN or ±Infinity (callers skip it
 * when the caller allowed non-finite inputs).
 */
export function checkInputFinite(input: number, data: Float32Array, shape: readonly number[]): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  const coordinates = coordinatesOf(i, shape);
  throw new NonFiniteError(
    `Input ${input} has ${valueName(data[i])} at index ${i} ${shapeToString(coordinates)} of shape ${shapeToString(shape)}: ` +
      'the model would answer with NaN or a meaningless number. Fix the input, or pass { allowNonFinite: true } ' +
      '(to loadModel, or to this call) to run it anyway and get NaN wherever it reaches the output',
    { index: i, coordinates, value: data[i], input },
  );
}
