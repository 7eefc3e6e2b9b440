/**
 * conv2d → Conv (channels-first, HWIO kernel as OIHW, TF 'same' as explicit pads, groups), then
 * the fused activation; a fused residual (src/compile/passes/fuse-add.ts) is an Add before the
 * activation, or after it with `residualAfterActivation`.
 */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { emitConv, spatialOf } from '../conv.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { windowPads } from '../window.ts';

export const conv2dOnnx: OnnxEmitter<'conv2d'> = ({ b, node, inputs: [x, residual], outShape }) => {
  const a = node.attrs;
  const at = node.name;
  const pads = windowPads(spatialOf(x.shape), a.kernelSize, a.strides, a.dilation, a.padding, at);
  const y = laid(outShape, emitConv(b, at, x, node.weights, { ...a, pads, group: a.groups ?? 1 }), true);
  if (!residual) return emitActivation(b, y, a.activation, at);
  const r = b.nchw(residual, at);
  if (a.residualAfterActivation) {
    const activated = emitActivation(b, y, a.activation, at);
    return laid(outShape, b.node('Add', [b.nchw(activated, at), r], `${at}/residual`), true);
  }
  return emitActivation(b, laid(outShape, b.node('Add', [y.nchw!, r], `${at}/residual`), true), a.activation, at);
};
