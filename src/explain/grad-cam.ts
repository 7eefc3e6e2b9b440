/**
 * Grad-CAM from one forward pass's values (issue 13's definition): the score is the pre-activation
 * output for the class (one sigmoid unit: the logit for class 1, its negative for class 0), the
 * weight of channel c is the spatial mean of d score / d A_c, and the map is
 * ReLU(Σ_c weight_c · A_c) divided by its maximum (an all-zero map stays zero).
 *
 * The head's forward values come from the same GPU (or WebAssembly) pass as the logits (the explain
 * variant returns them all, src/explain/explainer.ts); src/explain/backward.ts differentiates them.
 * A global-average-pooling → Dense head has the closed form weight_c = ±W[c, k] / (H·W) and skips both.
 */
import { ShapeError } from '../errors.ts';
import type { Tensor } from '../tensor.ts';
import { BACKWARD, type Grad } from './backward.ts';
import type { GradCamHead } from './head.ts';

/** What explain() returns. */
export interface Explanation {
  /** [N, h, w] float32, at the target's resolution, each divided by its maximum (all-zero stays zero). */
  maps: Tensor;
  /** The class explained per batch item (the predicted one unless given). */
  classIndex: number[];
  /** Keras layer name of the target. */
  layer: string;
  /** [h, w] of the target (and of each map). */
  targetShape: number[];
  /** The model's logits (its output before a final sigmoid/softmax) from the same forward pass. */
  logits: Tensor;
}

/** The classes to explain: the given one(s), or each item's predicted class. Checked against the logits. */
export function classesFor(logits: Tensor, requested: number | readonly number[] | undefined): number[] {
  const n = logits.shape[0];
  const k = logits.data.length / n;
  const classes = k === 1 ? 2 : k;
  const given = requested === undefined ? undefined : typeof requested === 'number' ? new Array<number>(n).fill(requested) : [...requested];
  if (given) {
    if (given.length !== n) throw new ShapeError(`explain: ${given.length} class indices for a batch of ${n}`);
    const bad = given.find((c) => !Number.isInteger(c) || c < 0 || c >= classes);
    if (bad !== undefined) throw new ShapeError(`explain: class index ${bad} out of range: the model has ${classes} classes (0..${classes - 1})`);
    return given;
  }
  return Array.from({ length: n }, (_, b) => {
    const row = logits.data.subarray(b * k, (b + 1) * k);
    if (k === 1) return row[0] > 0 ? 1 : 0;
    let best = 0;
    for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
    return best;
  });
}

/** d score / d logits: one ±1 per item. */
function seedGradient(logits: Tensor, classes: readonly number[]): Grad {
  const n = logits.shape[0];
  const k = logits.data.length / n;
  const g = new Float64Array(logits.data.length);
  classes.forEach((c, b) => {
    if (k === 1) g[b] = c === 1 ? 1 : -1;
    else g[b * k + c] = 1;
  });
  return g;
}

/** The head's input channel weights when it is GAP → (Flatten/Reshape/Dropout)* → Dense; else undefined. */
export function closedFormWeights(head: GradCamHead, target: Tensor, classes: readonly number[]): Float64Array | undefined {
  const [pool, ...rest] = head.nodes;
  const dense = rest[rest.length - 1];
  const passThrough = rest.slice(0, -1).every((n) => n.op === 'identity' || n.op === 'flatten' || n.op === 'reshape');
  if (!pool || pool.op !== 'global_pool' || (pool.attrs.mode as string) !== 'avg' || !dense || dense.op !== 'dense' || !passThrough) return undefined;
  if (head.external.length > 0 || dense.output !== head.output) return undefined;
  const [n, h, w, c] = target.shape;
  const units = dense.weights[0].shape[1];
  const kernel = dense.weights[0].data;
  const weights = new Float64Array(n * c);
  classes.forEach((k, b) => {
    const unit = units === 1 ? 0 : k;
    const sign = units === 1 && k === 0 ? -1 : 1;
    for (let ch = 0; ch < c; ch++) weights[b * c + ch] = (sign * kernel[ch * units + unit]) / (h * w);
  });
  return weights;
}

/**
 * The channel weights by differentiating the head from its output back to the target, given the
 * forward values of every tensor it reads (`head.tensors`); [N, C], the spatial mean of d score / d A.
 */
export function backwardWeights(head: GradCamHead, tensors: ReadonlyMap<string, Tensor>, classes: readonly number[]): Float64Array {
  const value = (name: string): Tensor => {
    const t = tensors.get(name);
    if (!t) throw new Error(`internal: Grad-CAM has no value for tensor "${name}"`);
    return t;
  };
  const grads = new Map<string, Grad>([[head.output, seedGradient(value(head.output), classes)]]);
  for (let i = head.nodes.length - 1; i >= 0; i--) {
    const node = head.nodes[i];
    const gy = grads.get(node.output);
    if (!gy) continue;
    const gxs = BACKWARD[node.op](node, node.inputs.map(value), value(node.output), gy);
    node.inputs.forEach((t, j) => {
      const gx = gxs[j];
      if (!gx || head.external.includes(t)) return;
      const acc = grads.get(t);
      if (!acc) grads.set(t, gx === gy ? Float64Array.from(gx) : gx);
      else for (let e = 0; e < acc.length; e++) acc[e] += gx[e];
    });
  }
  const target = value(head.target);
  const ga = grads.get(head.target) ?? new Float64Array(target.data.length);
  const [n, h, w, c] = target.shape;
  const weights = new Float64Array(n * c);
  for (let b = 0; b < n; b++) {
    for (let s = 0; s < h * w; s++) for (let ch = 0; ch < c; ch++) weights[b * c + ch] += ga[(b * h * w + s) * c + ch];
  }
  return weights.map((v) => v / (h * w));
}

/** ReLU(Σ_c weight_c · A_c) per item, divided by its maximum; [N, h, w]. */
export function camMaps(target: Tensor, weights: Float64Array): Tensor {
  const [n, h, w, c] = target.shape;
  const maps = new Float32Array(n * h * w);
  const cam = new Float64Array(h * w);
  for (let b = 0; b < n; b++) {
    let peak = 0;
    for (let s = 0; s < h * w; s++) {
      let sum = 0;
      const base = (b * h * w + s) * c;
      for (let ch = 0; ch < c; ch++) sum += weights[b * c + ch] * target.data[base + ch];
      cam[s] = Math.max(sum, 0);
      peak = Math.max(peak, cam[s]);
    }
    for (let s = 0; s < h * w; s++) maps[b * h * w + s] = peak > 0 ? cam[s] / peak : 0;
  }
  return { shape: [n, h, w], data: maps };
}

/**
 * Grad-CAM maps from one forward pass's values of `head.tensors` (in that order: logits, target,
 * external tensors, the head's own).
 */
export function gradCam(head: GradCamHead, values: readonly Tensor[], requested?: number | readonly number[]): Explanation {
  const tensors = new Map(head.tensors.map((name, i) => [name, values[i]]));
  const logits = tensors.get(head.output)!;
  const target = tensors.get(head.target)!;
  const classIndex = classesFor(logits, requested);
  const weights = closedFormWeights(head, target, classIndex) ?? backwardWeights(head, tensors, classIndex);
  return { maps: camMaps(target, weights), classIndex, layer: head.layer, targetShape: target.shape.slice(1, 3), logits };
}
