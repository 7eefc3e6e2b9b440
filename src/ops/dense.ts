/** Dense: a matrix product on the last axis with fused bias and activation. */
import { ShapeError } from '../errors.ts';
import { parseActivation, activationConstants } from '../graph/activations.ts';
import { ActivationKind, type Activation, type GraphNode } from '../graph/ir.ts';
import { denseReference } from '../reference/dense.ts';
import { dispatch1D, leadingSize } from './dispatch.ts';
import type { NodeDraft, OpModule } from './types.ts';
import { requireWeight, softmaxDraft } from './util.ts';

export interface DenseAttrs {
  units: number;
  activation: Activation;
}

const WG = 64;

export const dense: OpModule = {
  op: 'dense',

  fromKeras(layer, ctx) {
    const { units, use_bias: useBias = true } = layer.config;
    const parsed = parseActivation(layer.config.activation, ctx.kerasMajor, layer.name, layer.className);
    const kernel = requireWeight(layer, 0, 'kernel');
    const weights = [kernel];
    if (useBias) weights.push(requireWeight(layer, 1, 'bias'));
    const draft: NodeDraft = { op: 'dense', attrs: { units, activation: parsed.act } satisfies DenseAttrs, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape(node, [input]) {
    const { units } = node.attrs as unknown as DenseAttrs;
    const kernel = node.weights[0];
    const K = input[input.length - 1];
    if (kernel.shape[0] !== K) {
      throw new ShapeError(
        `Layer "${node.name}" (Dense) expects ${kernel.shape[0]} input features on the last axis, got ${K} (input shape [${input.join(', ')}])`,
      );
    }
    return [...input.slice(0, -1), units];
  },

  reference(node, [input]) {
    const { units, activation } = node.attrs as unknown as DenseAttrs;
    return denseReference(input, node.weights[0].data, node.weights[1]?.data, units, activation);
  },

  encode(node: GraphNode, { inputShapes, outputShape }) {
    const { units, activation } = node.attrs as unknown as DenseAttrs;
    const K = inputShapes[0][inputShapes[0].length - 1];
    const rows = leadingSize(outputShape);
    return [
      {
        label: `${node.name}/dense`,
        shader: ['activation.wgsl', 'dense.wgsl'],
        constants: { WG, ...activationConstants(activation) },
        params: { rows, inFeatures: K, outFeatures: units },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: node.weights[0].data, label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: node.weights[1]?.data ?? new Float32Array(units), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(rows * units, WG),
        flops: 2 * rows * K * units,
      },
    ];
  },

  fuseActivation(node, act) {
    const attrs = node.attrs as unknown as DenseAttrs;
    if (attrs.activation.kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },

  foldScaleShift(node, scale, shift) {
    // y·s + t = x·(W·s) + (b·s + t) only while the epilogue is linear.
    const { units, activation } = node.attrs as unknown as DenseAttrs;
    if (activation.kind !== ActivationKind.Linear) return undefined;
    const [kernel, bias] = node.weights;
    const w = new Float32Array(kernel.data.length);
    for (let i = 0; i < w.length; i++) w[i] = kernel.data[i] * scale[i % units];
    const b = new Float32Array(units);
    for (let n = 0; n < units; n++) b[n] = (bias ? bias.data[n] : 0) * scale[n] + shift[n];
    return {
      ...node,
      weights: [
        { name: 'kernel', shape: kernel.shape, data: w },
        { name: 'bias', shape: [units], data: b },
      ],
    };
  },
};
