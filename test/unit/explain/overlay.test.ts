/** src/explain/overlay.ts: colour maps, upsampling, blending and the sentence about the hot region. */
import { describe, expect, it } from 'vitest';
import { colormapColor, describeHeatmap, heatmapToRgba, overlayHeatmap, upsampleMap } from '../../../src/explain/overlay.ts';

describe('heatmap overlay', () => {
  it('colours 0 and 1 with the ends of each map, at the given opacity', () => {
    const rgba = heatmapToRgba(Float32Array.from([0, 1]), 2, 1, { colormap: 'jet', opacity: 0.4 });
    expect(Array.from(rgba)).toEqual([0, 0, 128, 102, 128, 0, 0, 102]);
    expect(colormapColor('inferno', 1)).toEqual([252, 255, 164]);
    expect(colormapColor('gray', 0.5)).toEqual([128, 128, 128]);
    expect(colormapColor('viridis', Number.NaN)).toEqual([68, 1, 84]);
    expect(() => heatmapToRgba([0, 1, 2], 2, 1)).toThrow(/3 values for 2×1/);
    expect(() => colormapColor('rainbow' as never, 0)).toThrow(/unknown colour map/);
  });

  it('upsamples bilinearly with half-pixel centres (tf.image.resize), edges clamped', () => {
    // 2 → 4: output centres at 0.25, 0.75, 1.25, 1.75 of the input's pixel units → -0.25, 0.25, 0.75, 1.25.
    const up = upsampleMap([0, 1], 2, 1, 4, 1);
    expect(Array.from(up)).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(upsampleMap([0.5], 1, 1, 2, 2))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('blends the coloured map over the image and makes it opaque', () => {
    const image = Uint8ClampedArray.from([200, 100, 0, 255]);
    const out = overlayHeatmap(image, 1, 1, [1], 1, 1, { colormap: 'gray', opacity: 0.25 });
    expect(Array.from(out)).toEqual([Math.round(0.75 * 200 + 0.25 * 255), Math.round(0.75 * 100 + 0.25 * 255), Math.round(0.25 * 255), 255]);
  });

  it('says where the hot region is and how much of the image it covers', () => {
    const map = new Float32Array(10 * 10);
    map[1 * 10 + 1] = 1; // upper left
    map[1 * 10 + 2] = 0.6;
    map[5 * 10 + 5] = 0.3;
    expect(describeHeatmap(map, 10, 10)).toBe('strongest in the upper left, covering 2 % of the image');
    const centre = new Float32Array(9);
    centre[4] = 1;
    expect(describeHeatmap(centre, 3, 3)).toBe('strongest in the centre, covering 11 % of the image');
    const right = new Float32Array(9).fill(0.9);
    right[5] = 1;
    expect(describeHeatmap(right, 3, 3)).toBe('strongest in the middle right, covering 100 % of the image');
    expect(describeHeatmap(new Float32Array(4), 2, 2)).toMatch(/no region stands out/);
  });
});
