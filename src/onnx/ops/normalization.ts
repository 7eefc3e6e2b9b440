/**
 * normalization (Keras Normalization) → (x − mean) / max(√variance, ε), or x · max(√variance, ε) +
 * mean with invert, per channel or one value for all (as src/ops/normalization.ts), then the
 * activation. The divisor is computed in float64 and rounded once, as the op module does.
 */
import { LINEAR } from '../../graph/ir.ts';
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

/** keras.backend.epsilon(), the floor Keras puts under sqrt(variance). */
const KERAS_EPSILON = 1e-7;

export const normalizationOnnx: OnnxEmitter<'normalization'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const { mean, variance, invert } = node.attrs;
  const { name, cf } = b.either(x);
  const r = outShape.length;
  const m = b.channelConst(`${at}/mean`, Float32Array.from(mean), r, cf);
  const s = b.channelConst(`${at}/std`, Float32Array.from(variance, (v) => Math.max(Math.sqrt(v), KERAS_EPSILON)), r, cf);
  const y = invert ? b.node('Add', [b.node('Mul', [name, s], at), m], at) : b.node('Div', [b.node('Sub', [name, m], at), s], at);
  return emitActivation(b, laid(outShape, y, cf), node.attrs.activation ?? LINEAR, at);
};
