/** CPU reference of the elementwise merges with Keras broadcasting, combined in float64. */
import { broadcastStrides } from '../geometry/broadcast.ts';
import type { MergeKind } from '../ops/merge.ts';
import { sizeOf, type Tensor } from '../tensor.ts';

/** Combines the inputs elementwise into a tensor of shape `outShape` (their broadcast shape). */
export function mergeReference(kind: MergeKind, inputs: readonly Tensor[], outShape: readonly number[]): Tensor {
  const rank = outShape.length;
  const strides = inputs.map((t) => broadcastStrides(t.shape, outShape));
  const count = sizeOf(outShape);
  const out = new Float32Array(count);
  const coord = new Array<number>(rank).fill(0);
  const values = new Float64Array(inputs.length);
  for (let i = 0; i < count; i++) {
    inputs.forEach((t, k) => {
      let off = 0;
      for (let d = 0; d < rank; d++) off += coord[d] * strides[k][d];
      values[k] = t.data[off];
    });
    out[i] = combine(kind, values);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
  return { shape: [...outShape], data: out };
}

function combine(kind: MergeKind, v: Float64Array): number {
  let r = v[0];
  switch (kind) {
    case 'add':
      for (let k = 1; k < v.length; k++) r += v[k];
      return r;
    case 'average':
      for (let k = 1; k < v.length; k++) r += v[k];
      return r / v.length;
    case 'subtract':
      return v[0] - v[1];
    case 'multiply':
      for (let k = 1; k < v.length; k++) r *= v[k];
      return r;
    case 'maximum':
      for (let k = 1; k < v.length; k++) r = Math.max(r, v[k]);
      return r;
    case 'minimum':
      for (let k = 1; k < v.length; k++) r = Math.min(r, v[k]);
      return r;
  }
}
