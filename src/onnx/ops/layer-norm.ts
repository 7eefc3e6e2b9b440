/**
 * layer_norm → LayerNormalization over the last axis (channels-last; opset 17), gamma / beta
 * ones / zeros when absent. Keras' rms_scaling (x / √(var + ε) · gamma, the variance still the
 * centred one) has no ONNX op: it is written out with ReduceMean.
 */
import { laid, type OnnxBuilder } from '../builder.ts';
import { weightOf, type OnnxEmitter } from '../emitter.ts';

/** Mean over the last axis, kept (ReduceMean takes its axes as an input from opset 18). */
function meanLastAxis(b: OnnxBuilder, x: string, at: string): string {
  if (b.opset >= 18) return b.node('ReduceMean', [x, b.int64s(`${at}/axes`, [-1])], at, { keepdims: 1 });
  return b.node('ReduceMean', [x], at, { axes: [-1], keepdims: 1 });
}

export const layerNormOnnx: OnnxEmitter<'layer_norm'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const C = outShape[outShape.length - 1];
  const { epsilon, rmsScaling } = node.attrs;
  const gamma = b.floats(`${at}/gamma`, [C], weightOf(node, 'gamma')?.data ?? new Float32Array(C).fill(1));
  const xin = b.nhwc(x, at);
  if (!rmsScaling) {
    const beta = b.floats(`${at}/beta`, [C], weightOf(node, 'beta')?.data ?? new Float32Array(C));
    return laid(outShape, b.node('LayerNormalization', [xin, gamma, beta], at, { axis: -1, epsilon: { float: epsilon } }), false);
  }
  const centred = b.node('Sub', [xin, meanLastAxis(b, xin, at)], at);
  const variance = meanLastAxis(b, b.node('Mul', [centred, centred], at), at);
  const std = b.node('Sqrt', [b.node('Add', [variance, b.scalar(`${at}/epsilon`, epsilon)], at)], at);
  return laid(outShape, b.node('Mul', [b.node('Div', [xin, std], at), gamma], at), false);
};
