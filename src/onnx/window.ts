/**
 * ONNX's Conv / ConvTranspose / pooling attributes for our window ops: TF's 'same' padding (the
 * extra cell after) as explicit pads from the same geometry our kernels use (src/geometry), and
 * Keras' kernel layouts re-laid for ONNX (HWIO → OIHW and the like).
 */
import { axisGeometry, paddedAxisGeometry, transposeAxis, type Padding } from '../geometry/window.ts';
import { OnnxExportError } from '../errors.ts';
import { transposeArray } from './builder.ts';

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
  const perm = [s + 1, s, ...Array.from({ length: s }, (_, i) => i)];
  return { dims: perm.map((p) => shape[p]), data: transposeArray(data, shape, perm) };
}
