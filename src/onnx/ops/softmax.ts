/** softmax → Softmax on the node's axis, in whichever layout the input has. */
import { channelsFirstAxis, laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const softmaxOnnx: OnnxEmitter<'softmax'> = ({ b, node, inputs: [x], outShape }) => {
  const r = outShape.length;
  const axis = node.attrs.axis < 0 ? node.attrs.axis + r : node.attrs.axis;
  const { name, cf } = b.either(x);
  return laid(outShape, b.node('Softmax', [name], node.name, { axis: cf ? channelsFirstAxis(axis, r) : axis }), cf);
};
