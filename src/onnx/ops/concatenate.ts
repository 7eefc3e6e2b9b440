/** concatenate → Concat, channels-first when an input already is (the axis mapped to that layout). */
import { channelsFirstAxis, laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const concatenateOnnx: OnnxEmitter<'concatenate'> = ({ b, node, inputs, outShape }) => {
  const r = outShape.length;
  const axis = node.attrs.axis < 0 ? node.attrs.axis + r : node.attrs.axis;
  const cf = r >= 3 && inputs.some((t) => t.nchw);
  const names = inputs.map((t) => (cf ? b.nchw(t, node.name) : b.nhwc(t, node.name)));
  return laid(outShape, b.node('Concat', names, node.name, { axis: cf ? channelsFirstAxis(axis, r) : axis }), cf);
};
