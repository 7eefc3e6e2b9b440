/**
 * Keras broadcasting for the merge layers (Add, Multiply, ...), shared by the op's shape rule, its
 * kernel parameters and its CPU reference.
 *
 * Inputs of equal rank broadcast as in numpy: each dimension is equal or 1 (Multiply of
 * [N, H, W, C] by [N, 1, 1, C] is squeeze-and-excitation). Inputs of lower rank are first expanded
 * the way Keras' Merge layer does it — by inserting size-1 axes at axis 1, right after the batch —
 * which is NOT numpy's rule of padding at the front.
 */

/** Keras' rank alignment: insert size-1 axes after the batch until the shape has `rank` axes. */
export function alignRank(shape: readonly number[], rank: number): number[] {
  if (shape.length >= rank) return [...shape];
  return [shape[0], ...new Array<number>(rank - shape.length).fill(1), ...shape.slice(1)];
}

/** The broadcast shape of all inputs, or a description of the first mismatch. */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] | { error: string } {
  const rank = Math.max(...shapes.map((s) => s.length));
  const aligned = shapes.map((s) => alignRank(s, rank));
  const out = new Array<number>(rank).fill(1);
  for (let d = 0; d < rank; d++) {
    for (const s of aligned) {
      if (s[d] === out[d] || s[d] === 1) continue;
      if (out[d] !== 1) return { error: `axis ${d} has sizes ${out[d]} and ${s[d]}` };
      out[d] = s[d];
    }
  }
  return out;
}

/**
 * Element strides with which an input of shape `shape` is read at each coordinate of `outShape`
 * (0 along broadcast axes), after rank alignment.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const s = alignRank(shape, outShape.length);
  const strides = new Array<number>(s.length);
  let step = 1;
  for (let d = s.length - 1; d >= 0; d--) {
    strides[d] = s[d] === 1 && outShape[d] !== 1 ? 0 : step;
    step *= s[d];
  }
  return strides;
}

/**
 * Merges adjacent axes that every operand walks the same way (contiguously, or broadcast along
 * both), and drops size-1 axes, so the kernel's index arithmetic runs over as few axes as
 * possible: same-shape operands end as one axis, [N,H,W,C] × [N,1,1,C] as [N, H·W, C].
 * `strides[k]` are operand k's element strides over `dims` (0 where broadcast).
 */
export function coalesceAxes(dims: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } {
  const outDims: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < dims.length; d++) {
    if (dims[d] === 1) continue;
    const last = outDims.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * dims[d])) {
      outDims[last] *= dims[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
      continue;
    }
    outDims.push(dims[d]);
    strides.forEach((s, k) => outStrides[k].push(s[d]));
  }
  return { dims: outDims, strides: outStrides };
}
