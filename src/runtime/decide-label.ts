/**
 * A classifier's answer in words: which of the metadata's labels one output row stands for, and
 * its probability. The rule is the one scripts/train_malaria_cnn.py writes into metadata.json:
 * one sigmoid unit means p > threshold → labels[1], else labels[0] (probability 1 − p); one unit
 * per label means the most probable (softmax over logits first).
 */

/** What the metadata says about the outputs (ModelPreprocessing carries these). */
export interface OutputRule {
  labels?: readonly string[];
  /** 'sigmoid' | 'softmax' | 'linear' (logits). */
  outputActivation?: string;
  /** For one sigmoid unit; default 0.5. */
  threshold?: number;
}

export interface Decision {
  label: string;
  /** Probability of that label. */
  p: number;
}

/**
 * The label of one output row, or undefined when the metadata gives no labels or they do not fit
 * the row. `logits`: the row holds the values before the final activation (mi predict --logits).
 */
export function decideLabel(row: ArrayLike<number>, rule: OutputRule, logits = false): Decision | undefined {
  const labels = rule.labels;
  if (!labels) return undefined;
  const raw = logits || rule.outputActivation === 'linear';
  if (row.length === 1 && labels.length === 2) {
    const p = raw ? 1 / (1 + Math.exp(-row[0])) : row[0];
    return p > (rule.threshold ?? 0.5) ? { label: labels[1], p } : { label: labels[0], p: 1 - p };
  }
  if (row.length > 1 && row.length === labels.length) {
    const values = Array.from(row);
    const probs = raw ? softmax(values) : values;
    const best = probs.reduce((b, p, i) => (p > probs[b] ? i : b), 0);
    return { label: labels[best], p: probs[best] };
  }
  return undefined;
}

function softmax(x: number[]): number[] {
  const max = Math.max(...x);
  const e = x.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
