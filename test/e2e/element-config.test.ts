/**
 * The element's pure rules, in Node (no browser): attribute parsing, the attribute > metadata.json >
 * model precedence of preprocessing, and how outputs become bars. Kept beside the element's
 * browser tests so all of <mi-classifier>'s tests live in one folder.
 */
import { describe, expect, it } from 'vitest';
import { attributeOptions, parseInputSize, parseLabels, parseNumberList, withSize, type PreprocessAttributes } from '../../src/element/config.ts';
import type { ModelMetadata } from '../../src/formats/model-metadata.ts';
import { resolvePreprocessing } from '../../src/runtime/preprocess-resolve.ts';
import { formatPercent, labelBars, toProbabilities } from '../../src/element/probabilities.ts';

describe('attribute parsing', () => {
  it('labels: comma list or JSON array', () => {
    expect(parseLabels(' normal , pneumonia ')).toEqual(['normal', 'pneumonia']);
    expect(parseLabels('["a, with comma", "b"]')).toEqual(['a, with comma', 'b']);
    expect(parseLabels('')).toBeUndefined();
  });
  it('input-size: square or WIDTHxHEIGHT', () => {
    expect(parseInputSize('224')).toEqual({ height: 224, width: 224 });
    expect(parseInputSize('320x240')).toEqual({ height: 240, width: 320 });
    expect(parseInputSize('0')).toBeUndefined();
    expect(parseInputSize('big')).toBeUndefined();
  });
  it('mean/std: numbers only', () => {
    expect(parseNumberList('0.485, 0.456,0.406')).toEqual([0.485, 0.456, 0.406]);
    expect(parseNumberList('0.5, x')).toBeUndefined();
    expect(parseNumberList([1, 2])).toEqual([1, 2]);
  });
});

/** What the element does: its attributes on top of the engine's one resolution. */
const resolvePreprocess = (attrs: PreprocessAttributes, metadata: ModelMetadata | undefined, declared: (number | null)[]) =>
  withSize(resolvePreprocessing({ declared, metadata }, attributeOptions(attrs)).options);

describe('preprocessing precedence: attribute, then metadata.json, then the model', () => {
  const meta = { input: { height: 64, width: 64, scale: 1, offset: 0, resize: 'bilinear-half-pixel' } };
  it('metadata beats the model', () => {
    expect(resolvePreprocess({}, meta, [null, 128, 128, 3])).toMatchObject({ height: 64, width: 64, scale: 1, resize: 'bilinear', channels: 3 });
  });
  it('attributes beat metadata', () => {
    const r = resolvePreprocess({ inputSize: '32x48', scale: 2, resize: 'nearest', mean: '1,2,3' }, meta, [null, 128, 128, 3]);
    expect(r).toMatchObject({ height: 48, width: 32, scale: 2, resize: 'nearest', mean: [1, 2, 3] });
  });
  it('without either: the declared shape and 1/255; one-channel models get grey', () => {
    expect(resolvePreprocess({}, undefined, [null, 150, 150, 1])).toMatchObject({ height: 150, width: 150, scale: 1 / 255, offset: 0, channels: 1 });
  });
  it('an input Rescaling layer means raw pixels, unless an attribute says otherwise', () => {
    const inputLayer = { name: 'rescale', kerasClass: 'Rescaling', op: 'rescaling' as const };
    const resolve = (attrs: PreprocessAttributes) => resolvePreprocessing({ declared: [null, 64, 64, 3], inputLayer }, attributeOptions(attrs));
    expect(resolve({}).options).toMatchObject({ scale: 1, offset: 0 });
    expect(resolve({ scale: 0.5 }).options).toMatchObject({ scale: 0.5, offset: 0 });
  });
  it('a model of any size needs input-size, and says so', () => {
    expect(() => resolvePreprocess({}, undefined, [null, null, null, 3])).toThrow(/input-size/);
  });
});

describe('outputs to bars', () => {
  it('one sigmoid unit: p for labels[1], 1 − p for labels[0], most probable first', () => {
    expect(labelBars([0.9], ['neg', 'pos'])).toEqual([
      { label: 'pos', p: 0.9 },
      { label: 'neg', p: 1 - 0.9 },
    ]);
    expect(labelBars([0.2], ['tumour']).map((b) => b.label)).toEqual(['not tumour', 'tumour']);
  });
  it('a linear single unit is a logit', () => {
    expect(toProbabilities([2]).probs[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(toProbabilities([0.3], 'linear').probs[0]).toBeCloseTo(1 / (1 + Math.exp(-0.3)), 12);
  });
  it('softmax outputs are kept; logits are softmaxed; bars sorted', () => {
    expect(labelBars([0.1, 0.7, 0.2], ['a', 'b', 'c']).map((b) => b.label)).toEqual(['b', 'c', 'a']);
    const p = toProbabilities([1, 2, 3]).probs;
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(p[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 12);
  });
  it('percent text', () => {
    expect(formatPercent(0.97245)).toBe('97.2 %');
  });
});
