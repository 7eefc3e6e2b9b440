/** pool3d → MaxPool / AveragePool over three spatial axes (../pool.ts). */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { emitPool } from '../pool.ts';

export const pool3dOnnx: OnnxEmitter<'pool3d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  return laid(outShape, emitPool(b, x, a.mode, a.poolSize, a.strides, a.padding, node.name), true);
};
