/**
 * The epilogue hooks (OpModule.fuseActivation / foldScaleShift) of every op that ends in a linear
 * map plus bias: Dense, Conv2D/3D, DepthwiseConv2D and the transposed convolutions. They differ only
 * in where the output channel sits in the Keras kernel, given here as `inner`: the number of kernel
 * elements that follow one output-channel index (1 when it is the last axis, Cin for the
 * transposed convolutions' [..., filters, cin] layout).
 */
import { ActivationKind, type Activation, type WeightTensor } from '../graph/ir.ts';
import type { OpNode } from './types.ts';

/** A node of an op whose attributes include its epilogue's activation. */
type EpilogueNode = OpNode<{ activation: Activation }>;

const activationOf = (node: EpilogueNode): Activation => node.attrs.activation;

/** The node with `act` as its epilogue, or undefined when it already has an activation. */
export function fuseIntoEpilogue<N extends EpilogueNode>(node: N, act: Activation): N | undefined {
  if (activationOf(node).kind !== ActivationKind.Linear) return undefined;
  return { ...node, attrs: { ...node.attrs, activation: act } };
}

/**
 * A new node computing y·scale[f] + shift[f] for each of its `channels` outputs, folded into the
 * kernel and bias (creating a bias if there was none). Undefined when an activation stands in between
 * (act(y)·s + t does not fold) or the sizes disagree. Never mutates the node's weights.
 */
export function foldIntoKernel<N extends EpilogueNode>(
  node: N,
  channels: number,
  inner: number,
  scale: Float32Array,
  shift: Float32Array,
): N | undefined {
  if (activationOf(node).kind !== ActivationKind.Linear) return undefined;
  if (scale.length !== channels || shift.length !== channels) return undefined;
  const k = node.weights[0];
  const kernel = new Float32Array(k.data.length);
  for (let i = 0; i < kernel.length; i++) kernel[i] = k.data[i] * scale[Math.floor(i / inner) % channels];
  const oldBias = node.weights[1]?.data;
  const bias = new Float32Array(channels);
  for (let c = 0; c < channels; c++) bias[c] = (oldBias ? oldBias[c] : 0) * scale[c] + shift[c];
  const weights: WeightTensor[] = [
    { name: k.name, shape: k.shape, data: kernel },
    { name: 'bias', shape: [channels], data: bias },
  ];
  return { ...node, weights };
}
