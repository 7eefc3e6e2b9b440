/**
 * The medical-image fields of a model's preprocessing: metadata.json's input.window / range /
 * orientation (parsed defensively: a bad value is dropped with a note naming it), resolved with
 * their sources (option > metadata > default) beside the pixel recipe.
 */
import { describe, expect, it } from 'vitest';
import { parseModelMetadata, parseWindowSpec } from '../../../src/formats/model-metadata.ts';
import { resolvePreprocessing, withOverrides } from '../../../src/runtime/preprocess-resolve.ts';

describe('metadata input.window / range / orientation', () => {
  it('parses a window object, the two keywords, a range and an orientation', () => {
    const { metadata, notes } = parseModelMetadata(
      { input: { window: { center: 40, width: 400, function: 'LINEAR_EXACT' }, range: [0, 1], orientation: 'reversed' } },
      'metadata.json',
    );
    expect(notes).toEqual([]);
    expect(metadata?.input).toEqual({ window: { center: 40, width: 400, function: 'LINEAR_EXACT' }, range: [0, 1], orientation: 'reversed' });
    expect(parseWindowSpec('from-file')).toEqual({ window: 'from-file' });
    expect(parseWindowSpec('min-max')).toEqual({ window: 'min-max' });
  });

  it.each([
    [{ center: 40 }, /width is not a positive number/],
    [{ center: 40, width: 0 }, /width is not a positive number/],
    [{ center: 'a', width: 3 }, /center is not a number/],
    [{ center: 1, width: 3, function: 'CUBIC' }, /function "CUBIC" is not LINEAR, LINEAR_EXACT, SIGMOID/],
    ['auto', /"auto" is not 'from-file', 'min-max'/],
  ])('drops window %j with a note that says why', (window, why) => {
    const { metadata, notes } = parseModelMetadata({ input: { window, scale: 1 } }, 'm/metadata.json');
    expect(metadata?.input).toEqual({ scale: 1 });
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^metadata\.json: input\.window .* is not a window/);
    expect(notes[0]).toMatch(why);
  });

  it('drops a bad range and an unknown orientation, naming them', () => {
    const { notes } = parseModelMetadata({ input: { range: [5, 5], orientation: 'RAS' } }, 'metadata.json');
    expect(notes).toEqual([
      'metadata.json: input.range [5,5] is not two different numbers [low, high]: ignored',
      'metadata.json: input.orientation "RAS" is not one of native, reversed: ignored',
    ]);
  });
});

describe('resolved intensity fields', () => {
  it('defaults: the file\'s own window, [0, 255], native axes', () => {
    const p = resolvePreprocessing({ declared: [null, 64, 64, 1] });
    expect(p.intensity).toEqual({
      window: 'from-file',
      range: [0, 255],
      orientation: 'native',
      sources: { window: 'default', range: 'default', orientation: 'default' },
    });
  });

  it('metadata, then options on top, each with its source', () => {
    const p = resolvePreprocessing({ declared: [null, 64, 64, 1], metadata: { input: { window: { center: 40, width: 80 }, range: [-1, 1] } } });
    expect(p.intensity).toMatchObject({ window: { center: 40, width: 80 }, range: [-1, 1], sources: { window: 'metadata', range: 'metadata', orientation: 'default' } });
    const o = withOverrides(p, { window: 'min-max', orientation: 'reversed' });
    expect(o.intensity).toMatchObject({ window: 'min-max', range: [-1, 1], orientation: 'reversed', sources: { window: 'option', range: 'metadata', orientation: 'option' } });
    // The base is not changed by the override.
    expect(p.intensity.window).toEqual({ center: 40, width: 80 });
  });
});
