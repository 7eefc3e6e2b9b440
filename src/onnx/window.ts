/**
 * ONNX's Conv / ConvTranspose / pooling attributes for our window ops: TF's 'same' padding (the
 * extra cell after) as explicit pads from the same geometry our kernels use (src/geometry), and
 * Keras' kernel layouts re-laid for ONNX (HWIO → OIHW and the like).
 */
import { axisGeometry, paddedAxisGeometry, transposeAxis, type Padding } from '../geometry/window.ts';
import { OnnxExportError } from '../errors.ts';

/** Explicit ONNX pads [begin..., end...] and output sizes of a window over `sizes` (spatial). */
export function windowPads(
  sizes: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  dilation: readonly number[],
  padding: Padding,
  layer: string,
  explicit?: readonly (readonly [number, number])[],
): number[] {
  const geos = sizes.map((s, i) =>
    explicit ? paddedAxisGeometry(s, kernel[i], strides[i], dilation[i], padding, explicit[i][0], explicit[i][1]) : axisGeometry(s, kernel[i], strides[i], dilation[i], padding),
  );
  if (geos.some((g) => g.out <= 0)) throw new OnnxExportError(`the window does not fit the input [${sizes.join(', ')}]`, layer);
  return [...geos.map((g) => g.padBefore), ...geos.map((g) => g.padAfter)];
}

/**
 * ConvTranspose pads and output_padding reproducing Keras' output size and TF's placement: TF's
 * output is the full transposed result ((in − 1)·stride + kernel cells) read from `padBefore` on,
 * `out` cells long; ONNX crops pads[begin] before and pads[end] after, and output_padding adds
 * cells after (when Keras' output is longer than the full result).
 */
export function transposePads(
  sizes: readonly number[],
  kernel: readonly number[],
  strides: readonly number[],
  padding: Padding,
  outputPadding: readonly number[] | null,
): { pads: number[]; outputPadding: number[] } {
  const begin: number[] = [];
  const end: number[] = [];
  const extra: number[] = [];
  sizes.forEach((size, i) => {
    const { out, padBefore } = transposeAxis(size, kernel[i], strides[i], padding, outputPadding?.[i] ?? null);
    const full = (size - 1) * strides[i] + kernel[i];
    const after = full - padBefore - out;
    begin.push(padBefore);
    end.push(Math.max(after, 0));
    extra.push(Math.max(-after, 0));
  });
  return { pads: [...begin, ...end], outputPadding: extra };
}

/**
 * A Keras kernel [spatial..., a, b] as ONNX's [b, a, spatial...] (Conv: HWIO → OIHW; ConvTranspose:
 * [spatial..., out, in] → [in, out, spatial...]).
 */
export function channelsFirstKernel(shape: readonly number[], data: Float32Array): { dims: number[]; data: Float32Array } {
  const s = shape.length - 2;
  const [a, b] = shape.slice(s);
  const taps = shape.slice(0, s);
  return { dims: [b, a, ...taps], data: kernelChannelsFirst(data, taps.reduce((x, y) => x * y, 1), a, b) };
}

/**
 * A kernel [K taps, A, B] (row-major) as [B, A, K]: the loops of the general transposeArray for
 * this one permutation, since it runs over every weight of the model at export (90 MB for a
 * ResNet-50: 3.3 s through the general loop on a busy 2-core machine).
 */
export function kernelChannelsFirst(data: Float32Array, K: number, A: number, B: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < A; i++) {
      const row = (k * A + i) * B;
      for (let o = 0; o < B; o++) out[(o * A + i) * K + k] = data[row + o];
    }
  }
  return out;
}
