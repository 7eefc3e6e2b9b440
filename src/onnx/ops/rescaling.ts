/** rescaling → Mul by scale, Add offset (each one value or one per channel), then the activation. */
import { LINEAR } from '../../graph/ir.ts';
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const rescalingOnnx: OnnxEmitter<'rescaling'> = ({ b, node, inputs: [x], outShape }) => {
  const at = node.name;
  const { scale, offset } = node.attrs;
  const { name, cf } = b.either(x);
  const r = outShape.length;
  let y = b.node('Mul', [name, b.channelConst(`${at}/scale`, Float32Array.from(scale), r, cf)], at);
  if (offset.some((v) => v !== 0)) y = b.node('Add', [y, b.channelConst(`${at}/offset`, Float32Array.from(offset), r, cf)], at);
  return emitActivation(b, laid(outShape, y, cf), node.attrs.activation ?? LINEAR, at);
};
