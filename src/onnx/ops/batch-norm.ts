/**
 * batch_norm (one the passes could not fold) → BatchNormalization on the channel axis
 * (channels-first; a rank-2 tensor's channels are already axis 1), then the fused activation.
 * Absent gamma / beta (Keras scale / center off) are ones / zeros.
 */
import { LINEAR } from '../../graph/ir.ts';
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { weightOf, type OnnxEmitter } from '../emitter.ts';

export const batchNormOnnx: OnnxEmitter<'batch_norm'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const C = outShape[outShape.length - 1];
  const param = (name: string, fill: number) => weightOf(node, name)?.data ?? new Float32Array(C).fill(fill);
  const ins = [b.nchw(x, at), ...(['gamma', 'beta', 'moving_mean', 'moving_variance'] as const).map((n, i) => b.floats(`${at}/${n}`, [C], param(n, i === 0 ? 1 : 0)))];
  const y = b.node('BatchNormalization', ins, at, { epsilon: { float: node.attrs.epsilon } });
  return emitActivation(b, laid(outShape, y, true), node.attrs.activation ?? LINEAR, at);
};
