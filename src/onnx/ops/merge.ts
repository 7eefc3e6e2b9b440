/**
 * merge → Sum, Sub, Mul, Mean, Max, Min with numpy broadcasting, then the fused activation. Inputs
 * of equal rank run in one layout (channels-first when any input has it); an input of lower rank
 * is aligned as Keras does, size-1 axes inserted after the batch (Unsqueeze), channels-last.
 */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

const VARIADIC = { add: 'Sum', average: 'Mean', maximum: 'Max', minimum: 'Min' } as const;

export const mergeOnnx: OnnxEmitter<'merge'> = ({ b, node, inputs, outShape }) => {
  const at = node.name;
  const r = outShape.length;
  const sameRank = inputs.every((t) => t.shape.length === r);
  const cf = sameRank && r >= 3 && inputs.some((t) => t.nchw);
  const names = inputs.map((t) => {
    if (cf) return b.nchw(t, at);
    const y = b.nhwc(t, at);
    if (t.shape.length === r) return y;
    const axes = Array.from({ length: r - t.shape.length }, (_, i) => i + 1);
    return b.node('Unsqueeze', [y, b.int64s(`${at}/axes`, axes)], at);
  });
  const { kind } = node.attrs;
  let y: string;
  // Two-input adds as Add, not Sum: ORT's graph optimiser fuses Conv → Add (→ Relu), not Sum.
  if (kind === 'subtract') y = b.node('Sub', names, at);
  else if (kind === 'add' && names.length === 2) y = b.node('Add', names, at);
  else if (kind === 'multiply') y = names.slice(1).reduce((acc, n) => b.node('Mul', [acc, n], at), names[0]);
  else y = b.node(VARIADIC[kind], names, at);
  return emitActivation(b, laid(outShape, y, cf), node.attrs.activation, at);
};
