/** The Conv node shared by the conv emitters (conv2d, conv2d_pool, conv3d, depthwise_conv2d). */
import type { WeightTensor } from '../graph/ir.ts';
import type { Laid, OnnxBuilder } from './builder.ts';
import type { Padding } from '../geometry/window.ts';
import { channelsFirstKernel, transposePads } from './window.ts';

export interface ConvSpec {
  kernelSize: readonly number[];
  strides: readonly number[];
  dilation: readonly number[];
  pads: number[];
  group: number;
}

/**
 * Conv of `x` (made channels-first) with a Keras kernel [spatial..., cin/group, cout] (weights[0])
 * and optional bias (weights[1]); returns the channels-first output's name.
 */
export function emitConv(b: OnnxBuilder, at: string, x: Laid, weights: readonly WeightTensor[], spec: ConvSpec): string {
  const [kernel, bias] = weights;
  const w = channelsFirstKernel(kernel.shape, kernel.data);
  const ins = [b.nchw(x, at), b.floats(`${at}/kernel`, w.dims, w.data)];
  if (bias) ins.push(b.floats(`${at}/bias`, [bias.data.length], bias.data));
  return b.node('Conv', ins, at, {
    kernel_shape: spec.kernelSize,
    strides: spec.strides,
    dilations: spec.dilation,
    pads: spec.pads,
    group: spec.group,
  });
}

/** Spatial sizes of a channels-last shape. */
export const spatialOf = (shape: readonly number[]): number[] => shape.slice(1, -1);

/**
 * ConvTranspose of `x` with a Keras kernel [spatial..., filters, cin] (as [cin, filters, spatial...])
 * and optional bias; Keras' output size (output_padding included) and TF's placement become pads
 * and output_padding (./window.ts transposePads). Returns the channels-first output's name.
 */
export function emitConvTranspose(
  b: OnnxBuilder,
  at: string,
  x: Laid,
  weights: readonly WeightTensor[],
  a: { kernelSize: readonly number[]; strides: readonly number[]; padding: Padding; outputPadding: readonly number[] | null },
): string {
  const [kernel, bias] = weights;
  const w = channelsFirstKernel(kernel.shape, kernel.data);
  const { pads, outputPadding } = transposePads(spatialOf(x.shape), a.kernelSize, a.strides, a.padding, a.outputPadding);
  const ins = [b.nchw(x, at), b.floats(`${at}/kernel`, w.dims, w.data)];
  if (bias) ins.push(b.floats(`${at}/bias`, [bias.data.length], bias.data));
  return b.node('ConvTranspose', ins, at, { kernel_shape: a.kernelSize, strides: a.strides, pads, output_padding: outputPadding });
}
