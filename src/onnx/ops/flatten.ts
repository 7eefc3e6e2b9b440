/** flatten → Flatten(axis 1) of the channels-last tensor (Keras' element order); batch-agnostic. */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const flattenOnnx: OnnxEmitter<'flatten'> = ({ b, node, inputs: [x], outShape }) =>
  laid(outShape, b.node('Flatten', [b.nhwc(x, node.name)], node.name, { axis: 1 }), false);
