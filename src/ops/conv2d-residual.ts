/**
 * Folding a residual Add into a Conv2D's epilogue (used by src/graph/passes/fuse-add.ts): the conv
 * gets the Add's other operand as a second input and writes the Add's result, so the sum costs no
 * kernel of its own and no extra pass over the output. Two exact forms:
 * - conv activation linear: act_add(conv + bias + residual); the Add's fused activation (if any)
 *   becomes the conv's (RESIDUAL = 1 in the shaders).
 * - conv activation non-linear and the Add's linear: act_conv(conv + bias) + residual, the
 *   `residualAfterActivation` form (RESIDUAL = 2), as in ResNet v1 blocks that end conv → ReLU → Add.
 * Both activations non-linear would need two epilogue activations: not fused.
 */
import { ActivationKind, type Activation, type GraphNode } from '../graph/ir.ts';
import type { Conv2DAttrs } from './conv2d.ts';

/** The conv rewritten to also add `residual` (a tensor of its output shape), or undefined. */
export function fuseConvResidual(conv: GraphNode, residual: string, addActivation: Activation): GraphNode | undefined {
  if (conv.op !== 'conv2d' || conv.inputs.length !== 1) return undefined;
  const a = conv.attrs as unknown as Conv2DAttrs;
  const inputs = [conv.inputs[0], residual];
  if (a.activation.kind === ActivationKind.Linear) {
    return { ...conv, inputs, attrs: { ...conv.attrs, activation: addActivation } };
  }
  if (addActivation.kind === ActivationKind.Linear) {
    return { ...conv, inputs, attrs: { ...conv.attrs, residualAfterActivation: true } };
  }
  return undefined;
}
