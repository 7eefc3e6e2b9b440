/**
 * The CPU reference of every op, by op key: the definition of correct that GPU results are compared
 * with. This table is the reference's own dispatch; it does not go through the op modules, whose
 * kernels it judges. Each entry reads the node's attributes and weights and computes its output,
 * shape included, by its own rule (the executor checks that shape against the op's `inferShape`).
 * Only the window geometry of src/geometry/ is shared with the kernels; the real-Keras fixtures
 * (test/fixtures) are what guard that.
 */
import { alignRank, broadcastShapes } from '../geometry/broadcast.ts';
import { ActivationKind, LINEAR, type GraphNode } from '../graph/ir.ts';
import type { ActivationAttrs } from '../ops/activation.ts';
import type { BatchNormAttrs } from '../ops/batch-norm.ts';
import type { ConcatenateAttrs } from '../ops/concatenate.ts';
import type { Conv2DPoolAttrs } from '../ops/conv2d-pool.ts';
import type { Conv2DTransposeAttrs } from '../ops/conv2d-transpose.ts';
import type { Conv2DAttrs } from '../ops/conv2d.ts';
import type { Conv3DTransposeAttrs } from '../ops/conv3d-transpose.ts';
import type { Conv3DAttrs } from '../ops/conv3d.ts';
import type { DenseAttrs } from '../ops/dense.ts';
import type { DepthwiseConv2DAttrs } from '../ops/depthwise-conv2d.ts';
import type { GlobalPoolAttrs } from '../ops/global-pool.ts';
import type { LayerNormAttrs } from '../ops/layer-norm.ts';
import type { MergeAttrs } from '../ops/merge.ts';
import type { NormalizationAttrs } from '../ops/normalization.ts';
import type { PadCrop2DAttrs } from '../ops/pad-crop2d.ts';
import type { PermuteAttrs } from '../ops/permute.ts';
import type { Pool2DAttrs } from '../ops/pool2d.ts';
import type { Pool3DAttrs } from '../ops/pool3d.ts';
import type { AttrsOf, OpKey } from '../ops/registry.ts';
import type { OpNode } from '../ops/types.ts';
import type { Reindex3DAttrs } from '../ops/reindex3d.ts';
import type { RescalingAttrs } from '../ops/rescaling.ts';
import type { ReshapeAttrs } from '../ops/reshape.ts';
import type { Resize2DAttrs } from '../ops/resize2d.ts';
import type { SoftmaxAttrs } from '../ops/softmax.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { activateAll } from './activation.ts';
import { batchNormReference } from './batch-norm.ts';
import { concatenateReference } from './concatenate.ts';
import { conv2dTransposeReference } from './conv2d-transpose.ts';
import { conv2dReference } from './conv2d.ts';
import { conv3dTransposeReference } from './conv3d-transpose.ts';
import { conv3dReference } from './conv3d.ts';
import { denseReference } from './dense.ts';
import { depthwiseConv2dReference } from './depthwise-conv2d.ts';
import { globalPoolReference } from './global-pool.ts';
import { layerNormReference } from './layer-norm.ts';
import { mergeReference } from './merge.ts';
import { normalizationReference } from './normalization.ts';
import { padCrop2dReference } from './pad-crop2d.ts';
import { permuteReference } from './permute.ts';
import { pool2dReference } from './pool2d.ts';
import { pool3dReference } from './pool3d.ts';
import { preluReference } from './prelu.ts';
import { reindex3dReference } from './reindex3d.ts';
import { rescalingReference } from './rescaling.ts';
import { repeatReference, resizeBilinear, resizeNearest } from './resize2d.ts';
import { softmaxReference } from './softmax.ts';

/** One op's forward pass on the CPU, given a node of that op (attributes typed as its module declares). */
export type ReferenceOp<K extends OpKey = OpKey> = (node: OpNode<AttrsOf<K>>, inputs: readonly Tensor[]) => Tensor;

const weight = (node: Pick<GraphNode, 'weights'>, name: string): Float32Array | undefined => node.weights.find((w) => w.name === name)?.data;
/** Keras' axis (negative counts from the end) as an index into a rank-`rank` shape. */
const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** The same data seen with another shape (Flatten, Reshape, no-ops). */
const view = (input: Tensor, shape: readonly number[]): Tensor => ({ shape: [...shape], data: input.data });

/** act(conv + bias) + residual, or act(conv + bias + residual): the two fused residual forms. */
function conv2dNode(node: OpNode<Conv2DAttrs>, [input, residual]: readonly Tensor[]): Tensor {
  const a = node.attrs;
  const kernel = node.weights[0].data;
  const bias = node.weights[1]?.data;
  if (!residual) return conv2dReference(input, kernel, bias, a.filters, a, a.activation);
  if (a.residualAfterActivation) {
    // act(conv + bias) + residual: Keras' conv(activation) → Add.
    const y = conv2dReference(input, kernel, bias, a.filters, a, a.activation);
    return { shape: y.shape, data: y.data.map((v, i) => v + residual.data[i]) };
  }
  // act(conv + bias + residual): Keras' conv → Add → activation.
  const y = conv2dReference(input, kernel, bias, a.filters, a, LINEAR);
  const sum = new Float32Array(y.data.length);
  for (let i = 0; i < sum.length; i++) sum[i] = y.data[i] + residual.data[i];
  return { shape: y.shape, data: a.activation.kind === ActivationKind.Linear ? sum : activateAll(a.activation, sum) };
}

/** Reshape's target with its one -1 resolved from the input's size per sample. */
function reshapeNode(node: OpNode<ReshapeAttrs>, [input]: readonly Tensor[]): Tensor {
  const target = [...node.attrs.targetShape];
  const free = target.indexOf(-1);
  const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  if (free >= 0) target[free] = sizeOf(input.shape.slice(1)) / known;
  return view(input, [input.shape[0], ...target]);
}

function mergeNode(node: OpNode<MergeAttrs>, inputs: readonly Tensor[]): Tensor {
  const { kind, activation } = node.attrs;
  const rank = Math.max(...inputs.map((t) => t.shape.length));
  const shape = broadcastShapes(inputs.map((t) => alignRank(t.shape, rank)));
  if (!Array.isArray(shape)) throw new Error(`reference merge: ${shape.error}`);
  const out = mergeReference(kind, inputs, shape);
  return activation.kind === ActivationKind.Linear ? out : { shape, data: activateAll(activation, out.data) };
}

function resize2dNode(node: OpNode<Resize2DAttrs>, [input]: readonly Tensor[]): Tensor {
  const a = node.attrs;
  if (a.mode === 'repeat') return repeatReference(input, a.factor![0], a.factor![1]);
  const [h, w] = a.size ?? [input.shape[1] * a.factor![0], input.shape[2] * a.factor![1]];
  return a.mode === 'nearest' ? resizeNearest(input, h, w) : resizeBilinear(input, h, w);
}

function reindex3dNode(node: OpNode<Reindex3DAttrs>, [input]: readonly Tensor[]): Tensor {
  const a = node.attrs;
  const spatial = [0, 1, 2].map((k) => a.scale[k] * input.shape[k + 1] + a.shift[k] + a.after[k]);
  return reindex3dReference(input, a, spatial);
}

export const REFERENCES: { readonly [K in OpKey]: ReferenceOp<K> } = {
  activation: (node, [x]) => ({ shape: [...x.shape], data: activateAll(node.attrs.activation, x.data) }),
  batch_norm: (node, [x]) => {
    const a = node.attrs;
    const params = { gamma: weight(node, 'gamma'), beta: weight(node, 'beta'), mean: weight(node, 'moving_mean')!, variance: weight(node, 'moving_variance')!, epsilon: a.epsilon };
    return batchNormReference(x, params, a.activation ?? LINEAR);
  },
  concatenate: (node, inputs) => concatenateReference(inputs, axisOf(node.attrs.axis, inputs[0].shape.length)),
  conv2d: conv2dNode,
  conv2d_pool: (node, [x]) => {
    const a = node.attrs;
    return pool2dReference(conv2dReference(x, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation), 'max', a.pool);
  },
  conv2d_transpose: (node, [x]) => {
    const a = node.attrs;
    return conv2dTransposeReference(x, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation);
  },
  conv3d: (node, [x]) => {
    const a = node.attrs;
    return conv3dReference(x, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation);
  },
  conv3d_transpose: (node, [x]) => {
    const a = node.attrs;
    return conv3dTransposeReference(x, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation);
  },
  dense: (node, [x]) => {
    const { units, activation } = node.attrs;
    return denseReference(x, node.weights[0].data, node.weights[1]?.data, units, activation);
  },
  depthwise_conv2d: (node, [x]) => {
    const a = node.attrs;
    return depthwiseConv2dReference(x, node.weights[0].data, node.weights[1]?.data, a.multiplier, a, a.activation);
  },
  flatten: (_node, [x]) => view(x, [x.shape[0], sizeOf(x.shape.slice(1))]),
  global_pool: (node, [x]) => {
    const a = node.attrs;
    return globalPoolReference(x, a.mode, a.keepdims);
  },
  identity: (_node, [x]) => view(x, x.shape),
  layer_norm: (node, [x]) => {
    const a = node.attrs;
    return layerNormReference(x, { epsilon: a.epsilon, rmsScaling: a.rmsScaling, gamma: weight(node, 'gamma'), beta: weight(node, 'beta') });
  },
  merge: mergeNode,
  normalization: (node, [x]) => {
    const a = node.attrs;
    return normalizationReference(x, a.mean, a.variance, a.invert, a.activation ?? LINEAR);
  },
  pad_crop2d: (node, [x]) => {
    const a = node.attrs;
    return padCrop2dReference(x, a.sign, a.amounts);
  },
  permute: (node, [x]) => permuteReference(x, [0, ...node.attrs.dims]),
  pool2d: (node, [x]) => {
    const a = node.attrs;
    return pool2dReference(x, a.mode, a);
  },
  pool3d: (node, [x]) => {
    const a = node.attrs;
    return pool3dReference(x, a.mode, a);
  },
  prelu: (node, [x]) => preluReference(x, node.weights[0].data, node.weights[0].shape),
  reindex3d: reindex3dNode,
  rescaling: (node, [x]) => {
    const a = node.attrs;
    return rescalingReference(x, a.scale, a.offset, a.activation ?? LINEAR);
  },
  reshape: reshapeNode,
  resize2d: resize2dNode,
  softmax: (node, [x]) => softmaxReference(x, axisOf(node.attrs.axis, x.shape.length)),
};
