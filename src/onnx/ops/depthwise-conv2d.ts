/**
 * depthwise_conv2d → Conv with group = input channels. Keras' kernel [kh, kw, C, M] read as
 * [kh, kw, C·M] (output channel c·M + m) becomes [C·M, 1, kh, kw]; a folded ZeroPadding2D (`pads`)
 * adds to the explicit pads.
 */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { spatialOf } from '../conv.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { kernelChannelsFirst, windowPads } from '../window.ts';

export const depthwiseConv2dOnnx: OnnxEmitter<'depthwise_conv2d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  const at = node.name;
  const [kernel, bias] = node.weights;
  const [kh, kw, C, M] = kernel.shape;
  const pads = windowPads(spatialOf(x.shape), a.kernelSize, a.strides, a.dilation, a.padding, at, a.pads);
  const w = kernelChannelsFirst(kernel.data, kh * kw, 1, C * M);
  const ins = [b.nchw(x, at), b.floats(`${at}/kernel`, [C * M, 1, kh, kw], w)];
  if (bias) ins.push(b.floats(`${at}/bias`, [C * M], bias.data));
  const y = b.node('Conv', ins, at, { kernel_shape: a.kernelSize, strides: a.strides, dilations: a.dilation, pads, group: C });
  return emitActivation(b, laid(outShape, y, true), a.activation, at);
};
