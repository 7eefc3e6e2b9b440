/**
 * A dense float32 tensor in channels-last (row-major) order, the layout Keras uses.
 * The first dimension is the batch.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Makes a tensor, checking that data and shape agree. */
export function tensor(data: Float32Array | number[], shape: readonly number[]): Tensor {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== sizeOf(shape)) {
    throw new RangeError(`tensor: ${arr.length} values do not fill shape [${shape.join(', ')}]`);
  }
  return { shape: [...shape], data: arr };
}

/** Row-major strides of a shape (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapeToString(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
