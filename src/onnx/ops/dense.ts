/**
 * dense → Gemm on a rank-2 input, else MatMul (+ Add) over the last axis (channels-last, our
 * element order); the kernel [in, units] is used as Keras stores it. Then the activation.
 */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const denseOnnx: OnnxEmitter<'dense'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const [kernel, bias] = node.weights;
  const w = b.floats(`${at}/kernel`, kernel.shape, kernel.data);
  const bb = bias ? b.floats(`${at}/bias`, [bias.data.length], bias.data) : undefined;
  const xin = b.nhwc(x, at);
  let y: string;
  if (x.shape.length === 2) y = b.node('Gemm', bb ? [xin, w, bb] : [xin, w], at);
  else {
    y = b.node('MatMul', [xin, w], at);
    if (bb) y = b.node('Add', [y, bb], `${at}/bias`);
  }
  return emitActivation(b, laid(outShape, y, false), node.attrs.activation, at);
};
