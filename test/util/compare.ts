/**
 * Tolerance checks: |actual − expected| ≤ atol + rtol·|expected| elementwise. A failure reports the
 * first element that differs (with its multi-index), the maximum absolute and relative errors.
 */
import type { Tensor } from '../../src/tensor.ts';

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const F32: Tolerance = { atol: 1e-5, rtol: 1e-4 };

export interface ErrorStats {
  maxAbs: number;
  maxRel: number;
  firstBad: number;
}

export function errorStats(actual: Float32Array, expected: Float32Array, tol: Tolerance): ErrorStats {
  let maxAbs = 0;
  let maxRel = 0;
  let firstBad = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const d = Math.abs(a - e);
    if (!(d <= tol.atol + tol.rtol * Math.abs(e)) && firstBad < 0) firstBad = i;
    if (Number.isNaN(a) !== Number.isNaN(e)) {
      if (firstBad < 0) firstBad = i;
      continue;
    }
    if (d > maxAbs) maxAbs = d;
    const rel = d / Math.max(Math.abs(e), 1e-12);
    if (rel > maxRel && Math.abs(e) > 1e-6) maxRel = rel;
  }
  return { maxAbs, maxRel, firstBad };
}

function multiIndex(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}

/** Throws (failing the test) with a precise message when tensors differ beyond tolerance. */
export function expectTensorsClose(actual: Tensor, expected: Tensor, tol: Tolerance = F32, label = 'tensor'): ErrorStats {
  if (actual.shape.length !== expected.shape.length || actual.shape.some((d, i) => d !== expected.shape[i])) {
    throw new Error(`${label}: shape [${actual.shape.join(', ')}] != expected [${expected.shape.join(', ')}]`);
  }
  const stats = errorStats(actual.data, expected.data, tol);
  if (stats.firstBad >= 0) {
    const i = stats.firstBad;
    throw new Error(
      `${label}: element [${multiIndex(i, expected.shape).join(', ')}] is ${actual.data[i]}, expected ${expected.data[i]} ` +
        `(atol ${tol.atol}, rtol ${tol.rtol}); max abs error ${stats.maxAbs.toExponential(3)}, max rel ${stats.maxRel.toExponential(3)}`,
    );
  }
  return stats;
}
