/** pool2d → MaxPool / AveragePool (../pool.ts). */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { emitPool } from '../pool.ts';

export const pool2dOnnx: OnnxEmitter<'pool2d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  return laid(outShape, emitPool(b, x, a.mode, a.poolSize, a.strides, a.padding, node.name), true);
};
