/**
 * reshape → Reshape of the channels-last tensor (Keras reshapes in its row-major order) to
 * [0, target...]: 0 copies the batch, so the graph serves every batch size.
 */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const reshapeOnnx: OnnxEmitter<'reshape'> = ({ b, node, inputs: [x], outShape }) => {
  const shape = b.int64s(`${node.name}/shape`, [0, ...outShape.slice(1)]);
  return laid(outShape, b.node('Reshape', [b.nhwc(x, node.name), shape], node.name), false);
};
