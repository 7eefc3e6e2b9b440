/** activation → its ONNX op(s) (../activation.ts), in whichever layout the input has. */
import { emitActivation } from '../activation.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const activationOnnx: OnnxEmitter<'activation'> = ({ b, node, inputs: [x] }) => emitActivation(b, x, node.attrs.activation, node.name);
