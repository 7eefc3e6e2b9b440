/**
 * Folding a residual Add into a Conv2D's epilogue (used by src/compile/passes/fuse-add.ts): the conv
 * gets the Add's other operand as a second input and writes the Add's result, so the sum costs no
 * kernel of its own and no extra pass over the output. Two exact forms:
 * - conv activation linear: act_add(conv + bias + residual); the Add's fused activation (if any)
 *   becomes the conv's (RESIDUAL = 1 in the shaders).
 * - conv activation non-linear and the Add's linear: act_conv(conv + bias) + residual, the
 *   `residualAfterActivation` form (RESIDUAL = 2), as in ResNet v1 blocks that end conv → ReLU → Add.
 * Both activations non-linear would need two epilogue activations: not fused.
 */
import { ActivationKind, type Activation } from '../graph/ir.ts';
import type { Conv2DAttrs } from './conv2d.ts';
import type { BufferRef, OpNode } from './types.ts';

/**
 * The epilogue's residual side in the conv shaders (direct kernels and Winograd's output step):
 * the RESIDUAL override (0 none, 1 before the activation, 2 after) and the buffer bound to
 * `residual`. Without a residual the binding still needs a buffer: the input, never read.
 */
export function residualEpilogue(conv: OpNode<Conv2DAttrs>): { RESIDUAL: number; binding: BufferRef } {
  const residual = conv.inputs[1];
  const after = conv.attrs.residualAfterActivation;
  return {
    RESIDUAL: residual ? (after ? 2 : 1) : 0,
    binding: { kind: 'tensor', name: residual ?? conv.inputs[0] },
  };
}

/** The conv rewritten to also add `residual` (a tensor of its output shape), or undefined. */
export function fuseConvResidual(conv: OpNode<Conv2DAttrs>, residual: string, addActivation: Activation): OpNode<Conv2DAttrs> | undefined {
  if (conv.op !== 'conv2d' || conv.inputs.length !== 1) return undefined;
  const a = conv.attrs;
  const inputs = [conv.inputs[0], residual];
  if (a.activation.kind === ActivationKind.Linear) {
    return { ...conv, inputs, attrs: { ...conv.attrs, activation: addActivation } };
  }
  if (addActivation.kind === ActivationKind.Linear) {
    return { ...conv, inputs, attrs: { ...conv.attrs, residualAfterActivation: true } };
  }
  return undefined;
}
