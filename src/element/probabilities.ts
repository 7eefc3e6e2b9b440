/**
 * Turns a classifier's output vector into labelled probabilities for display. This is presentation,
 * not inference: the engine returns what Keras `predict` returns, and the element only decides how
 * to show it (one sigmoid unit as two complementary bars, a softmax as one bar per class).
 */

/** One bar: a class and its probability in [0, 1]. */
export interface LabelledProbability {
  label: string;
  p: number;
}

/** How the head's outputs are read. */
export type HeadKind = 'sigmoid' | 'softmax';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function softmax(xs: readonly number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const inUnit = (x: number): boolean => x >= 0 && x <= 1;

/**
 * Probabilities from outputs. `activation` comes from the model's metadata when it says; otherwise
 * the values tell: a single unit in [0, 1] is a sigmoid probability, several in [0, 1] summing to 1
 * are a softmax; anything else is taken as logits (a linear head) and squashed accordingly.
 */
export function toProbabilities(
  outputs: readonly number[],
  activation?: string,
): { kind: HeadKind; probs: number[] } {
  if (outputs.length === 1) {
    const x = outputs[0];
    const isLogit = activation === 'linear' || (activation !== 'sigmoid' && !inUnit(x));
    return { kind: 'sigmoid', probs: [isLogit ? sigmoid(x) : x] };
  }
  const sum = outputs.reduce((a, b) => a + b, 0);
  const alreadyProbs =
    activation === 'softmax' || (activation !== 'linear' && outputs.every(inUnit) && Math.abs(sum - 1) < 1e-3);
  return { kind: 'softmax', probs: alreadyProbs ? [...outputs] : softmax(outputs) };
}

/**
 * Labelled bars, most probable first. For a sigmoid head, `labels[1]` is the positive class
 * (probability p) and `labels[0]` the negative one (1 − p), as in Keras' binary label convention;
 * a single label names the positive class.
 */
export function labelBars(
  outputs: readonly number[],
  labels: readonly string[] | undefined,
  activation?: string,
): LabelledProbability[] {
  const { kind, probs } = toProbabilities(outputs, activation);
  let bars: LabelledProbability[];
  if (kind === 'sigmoid') {
    const p = probs[0];
    const pos = labels?.length === 1 ? labels[0] : labels?.[1] ?? 'class 1';
    const neg = labels?.length === 1 ? `not ${labels[0]}` : labels?.[0] ?? 'class 0';
    bars = [
      { label: pos, p },
      { label: neg, p: 1 - p },
    ];
  } else {
    bars = probs.map((p, i) => ({ label: labels?.[i] ?? `class ${i}`, p }));
  }
  return bars.sort((a, b) => b.p - a.p);
}

/** "97.2 %": one decimal, as a screen reader and a bar label both read it. */
export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(1)} %`;
}
