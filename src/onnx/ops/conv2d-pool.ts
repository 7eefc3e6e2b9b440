/** conv2d_pool (a Conv2D fused with the 2×2 max pool after it) → Conv, its activation, MaxPool. */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { emitConv, spatialOf } from '../conv.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { windowPads } from '../window.ts';
import { conv2dShape } from '../../ops/conv2d.ts';
import { emitPool } from '../pool.ts';

export const conv2dPoolOnnx: OnnxEmitter<'conv2d_pool'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  const at = node.name;
  const pads = windowPads(spatialOf(x.shape), a.kernelSize, a.strides, a.dilation, a.padding, at);
  const convShape = conv2dShape(node, [x.shape]);
  const conv = emitActivation(b, laid(convShape, emitConv(b, at, x, node.weights, { ...a, pads, group: a.groups ?? 1 }), true), a.activation, at);
  return laid(outShape, emitPool(b, conv, 'max', a.pool.poolSize, a.pool.strides, a.pool.padding, `${at}/pool`), true);
};
