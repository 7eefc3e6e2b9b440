/**
 * prelu → PRelu of the channels-last tensor; alpha (the input's shape without the batch, 1 on
 * Keras' shared_axes) broadcasts from the right as ONNX's unidirectional broadcasting does.
 */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const preluOnnx: OnnxEmitter<'prelu'> = ({ b, node, inputs: [x], outShape }) => {
  const alpha = node.weights[0];
  const slope = b.floats(`${node.name}/alpha`, alpha.shape, alpha.data);
  return laid(outShape, b.node('PRelu', [b.nhwc(x, node.name), slope], node.name), false);
};
