/**
 * Helpers for the NaN / ±Infinity tests: a comparison that treats non-finite values exactly, and
 * receptive fields computed from the layer's geometry alone (not from the kernels' or the
 * reference's code), so "which outputs must be NaN" has an answer independent of both.
 */
import type { Tensor } from '../../src/tensor.ts';
import type { Tolerance } from './compare.ts';

/** Row-major coordinates of a flat index. */
export function coordsOf(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return out;
}

/** Flat index of coordinates. */
export function flatOf(coords: readonly number[], shape: readonly number[]): number {
  return coords.reduce((acc, c, d) => acc * shape[d] + c, 0);
}

/** Copies of the inputs with `value` written at `coords` of input `input`. */
export function poisoned(inputs: readonly Tensor[], input: number, coords: readonly number[], value: number): Tensor[] {
  return inputs.map((t, k) => {
    if (k !== input) return t;
    const data = Float32Array.from(t.data);
    data[flatOf(coords, t.shape)] = value;
    return { shape: [...t.shape], data };
  });
}

/**
 * One spatial axis of a sliding window (conv, pool): the output size and whether output `o`'s window
 * holds input `i`. TensorFlow's padding: 'same' gives ceil(size / stride) outputs and pads
 * floor(total / 2) before; 'valid' none.
 */
export function windowAxis(size: number, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid') {
  const span = (kernel - 1) * dilation + 1;
  const out = padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - span) / stride) + 1;
  const before = padding === 'same' ? Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) : 0;
  return {
    out,
    before,
    covers(o: number, i: number): boolean {
      for (let k = 0; k < kernel; k++) if (o * stride - before + k * dilation === i) return true;
      return false;
    },
  };
}

/**
 * One spatial axis of a transposed conv (Keras Conv2DTranspose/Conv3DTranspose, no output_padding):
 * input i scatters into outputs i·stride + k − before, k < kernel.
 */
export function transposeAxis(size: number, kernel: number, stride: number, padding: 'same' | 'valid') {
  const out = padding === 'valid' ? (size - 1) * stride + Math.max(kernel, stride) : size * stride;
  const before = padding === 'valid' ? 0 : Math.floor(Math.max(0, (size - 1) * stride + kernel - out) / 2);
  return {
    out,
    covers(o: number, i: number): boolean {
      for (let k = 0; k < kernel; k++) if (i * stride + k - before === o) return true;
      return false;
    },
  };
}

const kind = (v: number): string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : 'finite');

/**
 * Throws unless `actual` has NaN exactly where `expected` has, the same infinities, and finite
 * values within tolerance. `mayAlsoBeNaN(coords)` lists outputs where a NaN beyond the expected
 * ones is allowed (Winograd's tiles). Returns how many elements are NaN in `expected`.
 */
export function expectSameNonFinite(
  actual: Tensor,
  expected: Tensor,
  tol: Tolerance,
  label: string,
  mayAlsoBeNaN?: (coords: number[]) => boolean,
): number {
  if (actual.shape.join() !== expected.shape.join()) throw new Error(`${label}: shape [${actual.shape}] != expected [${expected.shape}]`);
  let nans = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i];
    const e = expected.data[i];
    if (Number.isNaN(e)) nans++;
    let ok: boolean;
    if (Number.isNaN(e)) ok = Number.isNaN(a);
    else if (!Number.isFinite(e)) ok = a === e;
    else if (Number.isNaN(a) && mayAlsoBeNaN?.(coordsOf(i, expected.shape))) ok = true;
    else ok = Number.isFinite(a) && Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) {
      throw new Error(`${label}: element [${coordsOf(i, expected.shape).join(', ')}] is ${a} (${kind(a)}), expected ${e} (${kind(e)})`);
    }
  }
  return nans;
}

/** Throws unless `t` is NaN exactly at the coordinates `nan(coords)` names. */
export function expectNaNExactlyWhere(t: Tensor, nan: (coords: number[]) => boolean, label: string): void {
  for (let i = 0; i < t.data.length; i++) {
    const c = coordsOf(i, t.shape);
    if (Number.isNaN(t.data[i]) !== nan(c)) {
      throw new Error(`${label}: element [${c.join(', ')}] is ${t.data[i]}, but its receptive field ${nan(c) ? 'holds' : 'does not hold'} the NaN`);
    }
  }
}
