/**
 * decideLabel (src/runtime/decide-label.ts): the metadata's output rule turned into a label and its
 * probability, as `mi predict` prints it.
 */
import { describe, expect, it } from 'vitest';
import { decideLabel } from '../../../src/runtime/decide-label.ts';

const malaria = { labels: ['Parasitized', 'Uninfected'], outputActivation: 'sigmoid', threshold: 0.5 };

describe('decideLabel', () => {
  it('one sigmoid unit: p > threshold → labels[1] with p, else labels[0] with 1 − p', () => {
    expect(decideLabel([0.9448], malaria)).toEqual({ label: 'Uninfected', p: 0.9448 });
    expect(decideLabel([0.25], malaria)).toEqual({ label: 'Parasitized', p: 0.75 });
    expect(decideLabel([0.5], malaria)?.label).toBe('Parasitized');
    expect(decideLabel([0.6], { ...malaria, threshold: 0.7 })?.label).toBe('Parasitized');
  });
  it('logits (mi predict --logits, or a linear head) go through the sigmoid or softmax first', () => {
    expect(decideLabel([0], malaria, true)).toEqual({ label: 'Parasitized', p: 0.5 });
    expect(decideLabel([2], { ...malaria, outputActivation: 'linear' })?.p).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    const d = decideLabel([1, 3, 2], { labels: ['a', 'b', 'c'] }, true)!;
    expect(d.label).toBe('b');
    expect(d.p).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
  });
  it('softmax probabilities: the most probable label', () => {
    expect(decideLabel([0.1, 0.2, 0.7], { labels: ['a', 'b', 'c'], outputActivation: 'softmax' })).toEqual({ label: 'c', p: 0.7 });
  });
  it('no labels, or labels that do not fit the output: no decision', () => {
    expect(decideLabel([0.9], {})).toBeUndefined();
    expect(decideLabel([0.9], { labels: ['only'] })).toBeUndefined();
    expect(decideLabel([0.1, 0.9], { labels: ['a', 'b', 'c'] })).toBeUndefined();
  });
});
