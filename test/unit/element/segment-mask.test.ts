/**
 * `<mi-segmenter>`'s mask arithmetic (src/element/segment-mask.ts): argmax and the sigmoid
 * threshold, class names and colours from labels/metadata, areas, the overlay and its description.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PALETTE } from '../../../src/segment/labels.ts';
import {
  displayPixels,
  hexRgb,
  maskDescription,
  maskFromScores,
  overlayPixels,
  segmentClasses,
  SegmentOutputError,
} from '../../../src/element/segment-mask.ts';

describe('maskFromScores', () => {
  it('takes the argmax over the last axis, ties to the lower class', () => {
    // 1×2×2×3: pixel 0 → 2, pixel 1 → 0 (tie 0/1), pixel 2 → 1, pixel 3 → 0
    const scores = [0.1, 0.2, 0.7, 0.4, 0.4, 0.2, 0, 1, 0, 0.9, 0.05, 0.05];
    const m = maskFromScores(scores, [1, 2, 2, 3]);
    expect([...m.mask]).toEqual([2, 0, 1, 0]);
    expect(m).toMatchObject({ height: 2, width: 2, classes: 3 });
  });

  it('reads one sigmoid unit as background/foreground at 0.5 (strictly above)', () => {
    const m = maskFromScores([0.2, 0.5, 0.500001, 0.9], [1, 1, 4, 1]);
    expect([...m.mask]).toEqual([0, 0, 1, 1]);
    expect(m.classes).toBe(2);
    expect([...maskFromScores([0.7, 0.1], [1, 1, 2]).mask]).toEqual([1, 0]);
    expect([...maskFromScores([0.2, 0.5, 0.8], [1, 1, 3, 1], 0.3).mask], "the metadata's threshold").toEqual([0, 1, 1]);
  });

  it('refuses outputs that are not one 2-D map', () => {
    expect(() => maskFromScores([0.1, 0.9], [1, 2])).toThrow(SegmentOutputError);
    expect(() => maskFromScores(new Array(8).fill(0), [2, 2, 2, 1])).toThrow(/\[2, 2, 2, 1\]/);
    expect(() => maskFromScores([], [1, 1, 1, 300])).toThrow(/300 classes/);
  });
});

describe('segmentClasses', () => {
  const m = maskFromScores([0.9, 0.1, 0.8, 0.6], [1, 2, 2, 1]);

  it('counts each class and gives fractions that add up to 1', () => {
    const classes = segmentClasses(m, undefined, undefined);
    expect(classes.map((c) => [c.index, c.name, c.pixels])).toEqual([
      [0, 'background', 1],
      [1, 'label 1', 3],
    ]);
    expect(classes.reduce((s, c) => s + c.fraction, 0)).toBeCloseTo(1, 12);
    expect(classes.map((c) => c.colour)).toEqual([DEFAULT_PALETTE[0], DEFAULT_PALETTE[1]]);
  });

  it("names from the labels attribute, else the metadata's; colours from the metadata", () => {
    const meta = { labels: ['sky', 'cell'], colors: ['#000', '#00ff00'] };
    expect(segmentClasses(m, ['bg', 'lesion'], meta).map((c) => [c.name, c.colour])).toEqual([
      ['bg', '#000'],
      ['lesion', '#00ff00'],
    ]);
    // A labels list of the wrong length is not used.
    expect(segmentClasses(m, ['only one'], meta).map((c) => c.name)).toEqual(['sky', 'cell']);
  });
});

describe('overlay', () => {
  const m = maskFromScores([0.9, 0.1], [1, 1, 2, 1]);
  const classes = segmentClasses(m, ['bg', 'fg'], { colors: ['#102030', '#ff8000'] });

  it('paints visible classes opaque in their colour and hidden ones transparent', () => {
    expect([...overlayPixels(m, classes, new Set([0]))]).toEqual([255, 128, 0, 255, 0, 0, 0, 0]);
    expect([...overlayPixels(m, classes, new Set())]).toEqual([255, 128, 0, 255, 16, 32, 48, 255]);
    expect([...overlayPixels(m, classes, new Set([0, 1]))].every((v) => v === 0)).toBe(true);
    expect(hexRgb('#abc')).toEqual([170, 187, 204]);
  });

  it('describes the areas, largest first, saying which are hidden', () => {
    expect(maskDescription(classes, new Set([0]))).toBe('Segmentation mask: bg 50.0 % (hidden), fg 50.0 %');
  });

  it('shows float pixels min–max stretched and 8-bit ones as they are', () => {
    const f = displayPixels({ width: 2, height: 1, channels: 1, data: new Float32Array([0.25, 0.75]) });
    expect([...f]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    const b = displayPixels({ width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) });
    expect([...b]).toEqual([1, 2, 3, 255]);
  });
});
