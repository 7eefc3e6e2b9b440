/** The kernel step shared by BatchNormalization and Rescaling: shaders/scale_shift.wgsl. */
import { activationConstants } from '../graph/activations.ts';
import type { Activation, GraphNode } from '../graph/ir.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import type { KernelStep } from './types.ts';

const WG = 64;
const PER = 4;

/**
 * One step computing activate(x · scale[c] + shift[c]) over the node's output, c the last axis.
 * `scale` and `shift` hold one float32 per channel.
 */
export function scaleShiftStep(
  node: Pick<GraphNode, 'name' | 'inputs' | 'output'>,
  outputShape: readonly number[],
  scale: Float32Array,
  shift: Float32Array,
  act: Activation,
): KernelStep {
  const count = sizeOf(outputShape);
  return {
    label: `${node.name}/scale_shift`,
    shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_elementwise_main.wgsl', 'lib_input_output.wgsl', 'scale_shift.wgsl'],
    constants: { WG, PER, ...activationConstants(act) },
    params: { count, channels: outputShape[outputShape.length - 1] },
    bindings: {
      input: { kind: 'tensor', name: node.inputs[0] },
      scale: { kind: 'constant', data: scale, label: `${node.name}/scale` },
      shift: { kind: 'constant', data: shift, label: `${node.name}/shift` },
      output: { kind: 'tensor', name: node.output },
    },
    dispatch: dispatch1D(Math.ceil(count / PER), WG),
    flops: 2 * count,
  };
}
