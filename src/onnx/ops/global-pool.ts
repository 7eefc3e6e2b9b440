/** global_pool → GlobalAveragePool / GlobalMaxPool (channels-first), then Flatten unless keepdims. */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const globalPoolOnnx: OnnxEmitter<'global_pool'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const y = b.node(node.attrs.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [b.nchw(x, at)], at);
  if (node.attrs.keepdims) return laid(outShape, y, true);
  return laid(outShape, b.node('Flatten', [y], `${at}/flatten`, { axis: 1 }), false);
};
