/**
 * ZeroPadding2D / Cropping2D (shaders/pad_crop2d.wgsl) vs the CPU reference: symmetric and
 * asymmetric ((top, bottom), (left, right)) amounts, odd sizes, channels 3/5/7, batch 2. Copies are
 * exact, so the comparison is bit-for-bit (tolerance 0). Also Keras' argument forms.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { padCrop2d, type PadCrop2DAttrs } from '../../../src/ops/pad-crop2d.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };

const cases: { name: string; input: number[]; attrs: PadCrop2DAttrs; expectShape: number[] }[] = [
  { name: 'pad 1 all round, 7×9×3', input: [1, 7, 9, 3], attrs: { sign: 1, amounts: [[1, 1], [1, 1]] }, expectShape: [1, 9, 11, 3] },
  { name: 'pad ((0, 1), (2, 0)) asymmetric, batch 2, C 5', input: [2, 5, 6, 5], attrs: { sign: 1, amounts: [[0, 1], [2, 0]] }, expectShape: [2, 6, 8, 5] },
  { name: 'pad ((3, 2), (0, 1)) on 1×1×7', input: [1, 1, 1, 7], attrs: { sign: 1, amounts: [[3, 2], [0, 1]] }, expectShape: [1, 6, 2, 7] },
  { name: 'crop 1 all round, 9×11×3', input: [1, 9, 11, 3], attrs: { sign: -1, amounts: [[1, 1], [1, 1]] }, expectShape: [1, 7, 9, 3] },
  { name: 'crop ((2, 0), (1, 3)) asymmetric, batch 2, C 7', input: [2, 11, 13, 7], attrs: { sign: -1, amounts: [[2, 0], [1, 3]] }, expectShape: [2, 9, 9, 7] },
  { name: 'crop to a single pixel, C 5', input: [1, 5, 4, 5], attrs: { sign: -1, amounts: [[2, 2], [3, 0]] }, expectShape: [1, 1, 1, 5] },
];

describe('pad_crop2d kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'pad_crop2d', attrs: c.attrs as unknown as Record<string, unknown>, inputShapes: [c.input] });
      const x = randomTensor(c.input, 900 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const ref = executeReference(graph, [x]).outputs[0];
      expect(ref.shape).toEqual(c.expectShape);
      expectTensorsClose(gpu, ref, EXACT, c.name);
    });
  });

  it('reference: padding puts the image at (top, left), cropping takes the window from (top, left)', () => {
    const x = { shape: [1, 2, 3, 1], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const pad = singleOpGraph({ op: 'pad_crop2d', attrs: { sign: 1, amounts: [[1, 0], [0, 1]] }, inputShapes: [x.shape] });
    expect([...executeReference(pad, [x]).outputs[0].data]).toEqual([0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0]);
    const crop = singleOpGraph({ op: 'pad_crop2d', attrs: { sign: -1, amounts: [[1, 0], [1, 1]] }, inputShapes: [x.shape] });
    expect([...executeReference(crop, [x]).outputs[0].data]).toEqual([5]);
  });
});

describe('ZeroPadding2D / Cropping2D import', () => {
  const layer = (className: string, config: Record<string, unknown>): KerasLayer => ({ name: 'l', className, config, inbound: [], weights: [] });
  const amounts = (className: string, config: Record<string, unknown>): unknown => padCrop2d.fromKeras!(layer(className, config), { meta: { name: '', kerasVersion: '3', format: '' }, kerasMajor: 3 });
  it('reads int, (rows, cols) and ((t, b), (l, r)) forms', () => {
    expect(amounts('ZeroPadding2D', { padding: 2 })).toMatchObject({ attrs: { sign: 1, amounts: [[2, 2], [2, 2]] } });
    expect(amounts('ZeroPadding2D', { padding: [1, 3] })).toMatchObject({ attrs: { amounts: [[1, 1], [3, 3]] } });
    expect(amounts('Cropping2D', { cropping: [[0, 1], [2, 3]] })).toMatchObject({ attrs: { sign: -1, amounts: [[0, 1], [2, 3]] } });
  });
  it('rejects channels_first, naming the layer', () => {
    expect(() => amounts('Cropping2D', { cropping: 1, data_format: 'channels_first' })).toThrow(/"l".*Cropping2D.*channels_first/s);
  });
});
