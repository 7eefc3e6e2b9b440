/** permute → Transpose of the channels-last tensor with [0, dims...] (Keras' dims are 1-based). */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const permuteOnnx: OnnxEmitter<'permute'> = ({ b, node, inputs: [x], outShape }) =>
  laid(outShape, b.node('Transpose', [b.nhwc(x, node.name)], node.name, { perm: [0, ...node.attrs.dims] }), false);
