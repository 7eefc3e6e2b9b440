/**
 * Concatenate on any non-batch axis (Keras default -1), two or more inputs whose sizes along the
 * axis may differ. Kernel: shaders/concatenate.wgsl, one copy step per input into its slab of the output.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, POINTWISE, type OpNode } from './types.ts';

export interface ConcatenateAttrs {
  /** Keras axis; negative counts from the end. */
  axis: number;
}

const WG = 64;
const PER = 4;

/** The node's axis as 1 ≤ axis < rank (the batch axis is refused), or a ShapeError. */
function concatAxis(node: OpNode<ConcatenateAttrs>, rank: number): number {
  const { axis } = node.attrs;
  const a = axis < 0 ? axis + rank : axis;
  if (a < 1 || a >= rank) {
    throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): axis ${axis} is not a non-batch axis of its rank-${rank} inputs`);
  }
  return a;
}

export const concatenate = defineOp<ConcatenateAttrs>({
  op: 'concatenate',
  // Pointwise in space only when it stacks channels (the last axis).
  footprint: (node, rank) => {
    const { axis } = node.attrs;
    return axis === -1 || axis === rank - 1 ? POINTWISE : undefined;
  },

  fromKeras(layer) {
    const axis = layer.config.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new UnsupportedLayerError(layer.name, layer.className, `axis ${JSON.stringify(layer.config.axis)} is not an integer`);
    }
    return { op: 'concatenate', attrs: { axis } satisfies ConcatenateAttrs, weights: [] };
  },

  inferShape(node, inputs) {
    const show = (): string => inputs.map((s) => `[${s.join(', ')}]`).join(', ');
    if (inputs.length < 2) throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}) needs at least 2 inputs, got ${inputs.length}`);
    const rank = inputs[0].length;
    if (inputs.some((s) => s.length !== rank)) {
      throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): inputs ${show()} differ in rank`);
    }
    const axis = concatAxis(node, rank);
    const out = [...inputs[0]];
    out[axis] = 0;
    for (const s of inputs) {
      if (s.some((d, i) => i !== axis && d !== inputs[0][i])) {
        throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): inputs ${show()} differ outside the concatenation axis ${axis}`);
      }
      out[axis] += s[axis];
    }
    return out;
  },

  encode(node, { inputShapes, outputShape }) {
    const axis = concatAxis(node, outputShape.length);
    const inner = sizeOf(outputShape.slice(axis + 1));
    let offset = 0;
    return inputShapes.map((shape, k) => {
      const count = sizeOf(shape);
      const step = {
        label: `${node.name}/concat${k}`,
        shader: ['lib_elementwise_main.wgsl', 'lib_input_output.wgsl', 'concatenate.wgsl'],
        constants: { WG, PER },
        params: { count, inBlock: shape[axis] * inner, outBlock: outputShape[axis] * inner, start: offset * inner },
        bindings: {
          input: { kind: 'tensor' as const, name: node.inputs[k] },
          output: { kind: 'tensor' as const, name: node.output },
        },
        dispatch: dispatch1D(Math.ceil(count / PER), WG),
        flops: 0,
      };
      offset += shape[axis];
      return step;
    });
  },
});
