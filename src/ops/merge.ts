/**
 * Elementwise merge layers — Add, Subtract, Multiply, Average, Maximum, Minimum — on two or more
 * inputs with Keras broadcasting (src/geometry/broadcast.ts). Kernel: shaders/merge.wgsl, run as a chain
 * of n − 1 two-input steps over the output buffer (the first reads inputs 0 and 1, each later one
 * folds the next input into the running result); Average divides by n in the last step. The last
 * step can carry a fused activation (Add → ReLU in residual blocks) via `fuseActivation`.
 */
import { ShapeError } from '../errors.ts';
import { activationConstants } from '../graph/activations.ts';
import { ActivationKind, LINEAR, type Activation } from '../graph/ir.ts';
import { sizeOf, stridesOf } from '../tensor.ts';
import { broadcastShapes, broadcastStrides, coalesceAxes } from '../geometry/broadcast.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, POINTWISE, type KernelStep, type OpNode } from './types.ts';

/** Which Keras merge layer: Add, Subtract, Multiply, Average, Maximum, Minimum. */
export type MergeKind = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

export interface MergeAttrs {
  kind: MergeKind;
  /** Applied after the merge; LINEAR unless a pass fused a following activation. */
  activation: Activation;
}

const KINDS: Record<string, MergeKind> = {
  Add: 'add',
  Subtract: 'subtract',
  Multiply: 'multiply',
  Average: 'average',
  Maximum: 'maximum',
  Minimum: 'minimum',
};

/** The OP override of shaders/merge.wgsl for each kind (Average is a chain of adds). */
const OP_CODE: Record<MergeKind, number> = { add: 0, average: 0, subtract: 1, multiply: 2, maximum: 3, minimum: 4 };

const WG = 64;
const PER = 4;
/** Axes the kernel's params hold (array<vec4u, 2>). */
const MAX_RANK = 8;

const attrsOf = (node: OpNode<MergeAttrs>): MergeAttrs => {
  const a = (node.attrs as Partial<MergeAttrs>);
  return { kind: a.kind!, activation: a.activation ?? LINEAR };
};

/** Pads a per-axis list at the front to MAX_RANK entries with `fill`. */
const padFront = (v: readonly number[], fill: number): number[] => [...new Array<number>(MAX_RANK - v.length).fill(fill), ...v];

export const merge = defineOp<MergeAttrs>({
  op: 'merge',
  footprint: () => POINTWISE,

  fromKeras(layer) {
    const kind = KINDS[layer.className];
    if (!kind) throw new Error(`internal: the merge op does not import ${layer.className}`);
    return { op: 'merge', attrs: { kind, activation: LINEAR } satisfies MergeAttrs, weights: [] };
  },

  inferShape(node, inputs) {
    const { kind } = attrsOf(node);
    const cls = node.kerasClass;
    if (inputs.length < 2 || (kind === 'subtract' && inputs.length !== 2)) {
      throw new ShapeError(`Layer "${node.name}" (${cls}) needs ${kind === 'subtract' ? 'exactly 2' : 'at least 2'} inputs, got ${inputs.length}`);
    }
    const out = broadcastShapes(inputs);
    if ('error' in out) {
      throw new ShapeError(
        `Layer "${node.name}" (${cls}) cannot broadcast its inputs ${inputs.map((s) => `[${s.join(', ')}]`).join(', ')}: ${out.error}`,
      );
    }
    if (out.length > MAX_RANK) throw new ShapeError(`Layer "${node.name}" (${cls}): rank ${out.length} is above ${MAX_RANK}`);
    return out;
  },

  encode(node, { inputShapes, outputShape }) {
    const { kind, activation } = attrsOf(node);
    const count = sizeOf(outputShape);
    // A broadcastable operand with as many elements as the output has exactly its shape.
    const isFull = (s: readonly number[]): boolean => sizeOf(s) === count;
    const last = inputShapes.length - 2;
    const steps: KernelStep[] = [];
    for (let k = 0; k <= last; k++) {
      const lhs = k === 0 ? inputShapes[0] : outputShape;
      const rhs = inputShapes[k + 1];
      const aMode = k > 0 ? 2 : isFull(lhs) ? 0 : 1;
      const bMode = isFull(rhs) ? 0 : 1;
      const axes = coalesceAxes(outputShape, [broadcastStrides(lhs, outputShape), broadcastStrides(rhs, outputShape)]);
      steps.push({
        label: `${node.name}/${kind}${k === 0 ? '' : `+${k + 1}`}`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_elementwise_main.wgsl', 'lib_strided_index.wgsl', 'merge.wgsl'],
        constants: { WG, PER, OP: OP_CODE[kind], A_MODE: aMode, B_MODE: bMode, ...activationConstants(k === last ? activation : LINEAR) },
        params: {
          count,
          scale: kind === 'average' && k === last ? 1 / inputShapes.length : 1,
          dims: padFront(axes.dims, 1),
          after: padFront(stridesOf(axes.dims), 1),
          aStrides: padFront(axes.strides[0], 0),
          bStrides: padFront(axes.strides[1], 0),
        },
        bindings: {
          a: { kind: 'tensor', name: node.inputs[0] },
          b: { kind: 'tensor', name: node.inputs[k + 1] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(Math.ceil(count / PER), WG),
        flops: count,
      });
    }
    return steps;
  },

  fuseActivation(node, act) {
    if (attrsOf(node).activation.kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },
});
