/** conv3d → Conv over three spatial axes ([kd, kh, kw, cin, cout] as [cout, cin, kd, kh, kw]), then the activation. */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { emitConv, spatialOf } from '../conv.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { windowPads } from '../window.ts';

export const conv3dOnnx: OnnxEmitter<'conv3d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  const pads = windowPads(spatialOf(x.shape), a.kernelSize, a.strides, a.dilation, a.padding, node.name);
  return emitActivation(b, laid(outShape, emitConv(b, node.name, x, node.weights, { ...a, pads, group: 1 }), true), a.activation, node.name);
};
