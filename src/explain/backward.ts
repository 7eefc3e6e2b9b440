/**
 * Backward passes of the head ops, on the CPU, in float64: d score / d tensor from the head's output
 * back to the Grad-CAM target.
 *
 * Why the CPU: after the target a head is small. A pooled head is a vector per image; a Flatten head
 * is one matrix-vector product per Dense per image, and the last Dense's gradient for one class is a
 * single weight column (only the units with a gradient are read). The largest head we know, VGG16's
 * Flatten (7·7·512) → Dense 4096 → Dense 4096 → Dense 1000, is ~1.2e8 multiply-adds per image: 130 ms
 * here (2 shared CPU cores, Node 22; measured 2026-12-03 with the forward values given), against
 * seconds for the spatial forward pass on a software GPU. The forward values (pre-activations
 * included) come from the GPU pass, not from the CPU. Everything spatial stays on the GPU.
 *
 * Each function gets the node, its input and output values (from the forward pass) and the gradient
 * of its output, and returns the gradient of each input (undefined where no gradient flows).
 */
import { UnsupportedLayerError } from '../errors.ts';
import type { Activation, GraphNode } from '../graph/ir.ts';
import type { BatchNormAttrs } from '../ops/batch-norm.ts';
import type { ConcatenateAttrs } from '../ops/concatenate.ts';
import type { GlobalPoolAttrs } from '../ops/global-pool.ts';
import type { MergeAttrs } from '../ops/merge.ts';
import type { RescalingAttrs } from '../ops/rescaling.ts';
import type { SoftmaxAttrs } from '../ops/softmax.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { activationDerivative } from './activation-grad.ts';

export type Grad = Float64Array;

type Backward = (node: GraphNode, inputs: readonly Tensor[], output: Tensor, gy: Grad) => (Grad | undefined)[];

const refuse = (node: GraphNode, why: string): UnsupportedLayerError =>
  new UnsupportedLayerError(node.name, node.kerasClass, `Grad-CAM cannot differentiate through it: ${why}`);

function denseBackward(node: GraphNode, [x]: readonly Tensor[], out: Tensor, gy: Grad): Grad[] {
  const units = out.shape[out.shape.length - 1];
  const inDim = x.shape[x.shape.length - 1];
  const rows = x.data.length / inDim;
  const w = node.weights[0].data; // Keras layout [in, units]: row i holds unit weights contiguously
  const gx = new Float64Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    const g = gy.subarray(r * units, (r + 1) * units);
    const hot: number[] = [];
    for (let u = 0; u < units; u++) if (g[u] !== 0) hot.push(u);
    if (hot.length === 0) continue;
    const base = r * inDim;
    if (hot.length * 8 < units) {
      // A few units (the class's one at the last Dense): gather their columns.
      for (let i = 0; i < inDim; i++) {
        let acc = 0;
        for (const u of hot) acc += g[u] * w[i * units + u];
        gx[base + i] = acc;
      }
    } else {
      // Dense gradients: gx[i] = Σ_u g[u] · W[i, u], reading W row by row (contiguous).
      for (let i = 0; i < inDim; i++) {
        let acc = 0;
        const row = i * units;
        for (let u = 0; u < units; u++) acc += g[u] * w[row + u];
        gx[base + i] = acc;
      }
    }
  }
  return [gx];
}

function globalPoolBackward(node: GraphNode, [x]: readonly Tensor[], out: Tensor, gy: Grad): Grad[] {
  const { mode } = node.attrs as unknown as GlobalPoolAttrs;
  const n = x.shape[0];
  const c = x.shape[x.shape.length - 1];
  const spatial = sizeOf(x.shape.slice(1, -1));
  const gx = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const g = gy[b * c + ch];
      if (mode === 'avg') {
        for (let s = 0; s < spatial; s++) gx[(b * spatial + s) * c + ch] = g / spatial;
        continue;
      }
      // Max: TensorFlow's reduce_max gradient shares it equally among the positions that tie for the max.
      const peak = out.data[b * c + ch];
      let ties = 0;
      for (let s = 0; s < spatial; s++) if (x.data[(b * spatial + s) * c + ch] === peak) ties++;
      for (let s = 0; s < spatial; s++) if (x.data[(b * spatial + s) * c + ch] === peak) gx[(b * spatial + s) * c + ch] = g / ties;
    }
  }
  return [gx];
}

/** Per-channel (last axis) scale of an affine op: gx = gy · scale[c]. */
function perChannel(gy: Grad, scale: ArrayLike<number>): Grad {
  const gx = new Float64Array(gy.length);
  const c = scale.length;
  for (let i = 0; i < gy.length; i++) gx[i] = gy[i] * scale[i % c];
  return gx;
}

function batchNormBackward(node: GraphNode, [x]: readonly Tensor[], _out: Tensor, gy: Grad): Grad[] {
  const { axis, epsilon } = node.attrs as unknown as BatchNormAttrs;
  if (axis !== -1 && axis !== x.shape.length - 1) throw refuse(node, `BatchNormalization over axis ${axis} (only the channel axis, last)`);
  const weight = (name: string) => node.weights.find((w) => w.name === name)?.data;
  const variance = weight('moving_variance')!;
  const gamma = weight('gamma');
  const scale = Array.from(variance, (v, c) => (gamma ? gamma[c] : 1) / Math.sqrt(v + epsilon));
  return [perChannel(gy, scale)];
}

function rescalingBackward(node: GraphNode, _inputs: readonly Tensor[], _out: Tensor, gy: Grad): Grad[] {
  const { scale } = node.attrs as unknown as RescalingAttrs;
  return [perChannel(gy, scale)];
}

function softmaxBackward(node: GraphNode, _inputs: readonly Tensor[], y: Tensor, gy: Grad): Grad[] {
  const { axis } = node.attrs as unknown as SoftmaxAttrs;
  if (axis !== -1 && axis !== y.shape.length - 1) throw refuse(node, `softmax over axis ${axis} (only the last)`);
  const k = y.shape[y.shape.length - 1];
  const gx = new Float64Array(gy.length);
  for (let r = 0; r < gy.length / k; r++) {
    let dot = 0;
    for (let j = 0; j < k; j++) dot += gy[r * k + j] * y.data[r * k + j];
    for (let j = 0; j < k; j++) gx[r * k + j] = y.data[r * k + j] * (gy[r * k + j] - dot);
  }
  return [gx];
}

function mergeBackward(node: GraphNode, inputs: readonly Tensor[], out: Tensor, gy: Grad): Grad[] {
  const { kind } = node.attrs as unknown as MergeAttrs;
  if (inputs.some((t) => t.data.length !== out.data.length)) throw refuse(node, 'a merge of differently shaped (broadcast) inputs');
  return inputs.map((_x, j) => {
    const gx = new Float64Array(gy.length);
    for (let i = 0; i < gy.length; i++) {
      switch (kind) {
        case 'add':
          gx[i] = gy[i];
          break;
        case 'subtract':
          gx[i] = j === 0 ? gy[i] : -gy[i];
          break;
        case 'average':
          gx[i] = gy[i] / inputs.length;
          break;
        case 'multiply': {
          let p = gy[i];
          inputs.forEach((o, m) => (p = m === j ? p : p * o.data[i]));
          gx[i] = p;
          break;
        }
        case 'maximum':
        case 'minimum': {
          // The gradient goes to the first input holding the result (ties: the first, as TF's does for two).
          const first = inputs.findIndex((o) => o.data[i] === out.data[i]);
          gx[i] = first === j ? gy[i] : 0;
          break;
        }
      }
    }
    return gx;
  });
}

function concatenateBackward(node: GraphNode, inputs: readonly Tensor[], out: Tensor, gy: Grad): Grad[] {
  const rank = out.shape.length;
  const raw = (node.attrs as unknown as ConcatenateAttrs).axis;
  const axis = raw < 0 ? raw + rank : raw;
  const outer = sizeOf(out.shape.slice(0, axis));
  const outRow = sizeOf(out.shape.slice(axis));
  let offset = 0;
  return inputs.map((x) => {
    const row = sizeOf(x.shape.slice(axis));
    const gx = new Float64Array(x.data.length);
    for (let o = 0; o < outer; o++) for (let i = 0; i < row; i++) gx[o * row + i] = gy[o * outRow + offset + i];
    offset += row;
    return gx;
  });
}

const same: Backward = (_node, _inputs, _out, gy) => [gy];

export const BACKWARD: Readonly<Record<string, Backward>> = {
  dense: denseBackward,
  activation: (node, [x], _out, gy) => {
    const act = (node.attrs as { activation: Activation }).activation;
    return [gy.map((g, i) => (g === 0 ? 0 : g * activationDerivative(act, x.data[i])))];
  },
  softmax: softmaxBackward,
  identity: same,
  flatten: same,
  reshape: same,
  global_pool: globalPoolBackward,
  batch_norm: batchNormBackward,
  rescaling: rescalingBackward,
  merge: mergeBackward,
  concatenate: concatenateBackward,
};
