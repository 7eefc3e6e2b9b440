/** conv3d_transpose → ConvTranspose (../conv.ts emitConvTranspose), then the activation. */
import { emitActivation } from '../activation.ts';
import { laid } from '../builder.ts';
import { emitConvTranspose } from '../conv.ts';
import type { OnnxEmitter } from '../emitter.ts';

export const conv3dTransposeOnnx: OnnxEmitter<'conv3d_transpose'> = ({ b, node, inputs: [x], outShape }) =>
  emitActivation(b, laid(outShape, emitConvTranspose(b, node.name, x, node.weights, node.attrs), true), node.attrs.activation, node.name);
