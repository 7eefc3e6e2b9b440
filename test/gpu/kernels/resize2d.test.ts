/**
 * UpSampling2D / Resizing kernel (shaders/resize2d.wgsl) vs the CPU reference (src/reference/resize2d.ts,
 * TF's half-pixel bilinear and nearest; repeat for UpSampling2D nearest): odd sizes, channels 3/5/7,
 * batch 2, factors (2, 2), (3, 2), (1, 3), and Resizing up, down (by more than 2×) and to the same size.
 */
import { describe, expect, it } from 'vitest';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { resize2d, type Resize2DAttrs } from '../../../src/ops/resize2d.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };

const cases: { name: string; input: number[]; attrs: Resize2DAttrs }[] = [
  { name: 'UpSampling2D nearest (2, 2), 5×7×3', input: [1, 5, 7, 3], attrs: { mode: 'repeat', factor: [2, 2] } },
  { name: 'UpSampling2D nearest (3, 2), batch 2, C 5', input: [2, 3, 5, 5], attrs: { mode: 'repeat', factor: [3, 2] } },
  { name: 'UpSampling2D bilinear (2, 2), 5×7×3', input: [1, 5, 7, 3], attrs: { mode: 'bilinear', factor: [2, 2] } },
  { name: 'UpSampling2D bilinear (3, 1), batch 2, C 7', input: [2, 4, 9, 7], attrs: { mode: 'bilinear', factor: [3, 1] } },
  { name: 'UpSampling2D bilinear (1, 3) on a 1-pixel-high image, C 5', input: [1, 1, 6, 5], attrs: { mode: 'bilinear', factor: [1, 3] } },
  { name: 'Resizing bilinear up 7×9 → 16×13, C 3', input: [1, 7, 9, 3], attrs: { mode: 'bilinear', size: [16, 13] } },
  { name: 'Resizing bilinear down 17×21 → 8×6 (> 2×, skips pixels), batch 2, C 5', input: [2, 17, 21, 5], attrs: { mode: 'bilinear', size: [8, 6] } },
  { name: 'Resizing bilinear to the same size, C 7', input: [1, 6, 5, 7], attrs: { mode: 'bilinear', size: [6, 5] } },
  { name: 'Resizing nearest 9×7 → 4×13, C 3', input: [1, 9, 7, 3], attrs: { mode: 'nearest', size: [4, 13] } },
  { name: 'Resizing nearest 5×11 → 17×3, batch 2, C 5', input: [2, 5, 11, 5], attrs: { mode: 'nearest', size: [17, 3] } },
];

describe('resize2d kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const graph = singleOpGraph({ op: 'resize2d', attrs: c.attrs as unknown as Record<string, unknown>, inputShapes: [c.input] });
      const x = randomTensor(c.input, 1000 + i);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      const ref = executeReference(graph, [x]).outputs[0];
      // Copies are exact; bilinear is three lerps of O(1) values (a GPU may fuse them into FMAs,
      // which moves the last bit), far inside the f32 default.
      expectTensorsClose(gpu, ref, c.attrs.mode === 'bilinear' ? F32 : EXACT, c.name);
    });
  });

  it('UpSampling2D bilinear has half-pixel centres (not TF.js\' align-to-corner form)', () => {
    // 2 pixels [0, 1] upsampled ×2: TF gives [0, 0.25, 0.75, 1]; TF.js' form would give [0, 0.5, 1, 1].
    const graph = singleOpGraph({ op: 'resize2d', attrs: { mode: 'bilinear', factor: [1, 2] }, inputShapes: [[1, 1, 2, 1]] });
    const out = executeReference(graph, [{ shape: [1, 1, 2, 1], data: Float32Array.from([0, 1]) }]).outputs[0];
    expect([...out.data]).toEqual([0, 0.25, 0.75, 1]);
  });
});

describe('UpSampling2D / Resizing import', () => {
  const draft = (className: string, config: Record<string, unknown>): unknown =>
    resize2d.fromKeras!({ name: 'r', className, config, inbound: [], weights: [] } as KerasLayer, { meta: { name: '', kerasVersion: '3', format: '' }, kerasMajor: 3 });
  it('reads size/interpolation and height/width', () => {
    expect(draft('UpSampling2D', { size: [2, 3], interpolation: 'bilinear' })).toMatchObject({ attrs: { mode: 'bilinear', factor: [2, 3] } });
    expect(draft('UpSampling2D', { size: 2 })).toMatchObject({ attrs: { mode: 'repeat', factor: [2, 2] } });
    expect(draft('Resizing', { height: 5, width: 7, interpolation: 'nearest' })).toMatchObject({ attrs: { mode: 'nearest', size: [5, 7] } });
  });
  it('rejects what it does not implement, naming the layer', () => {
    expect(() => draft('UpSampling2D', { size: 2, interpolation: 'bicubic' })).toThrow(/"r".*bicubic/s);
    expect(() => draft('Resizing', { height: 5, width: 7, crop_to_aspect_ratio: true })).toThrow(/"r".*crop_to_aspect_ratio/s);
    expect(() => draft('Resizing', { height: 5, width: 7, interpolation: 'area' })).toThrow(/"r".*area/s);
    expect(() => draft('UpSampling2D', { size: 2, data_format: 'channels_first' })).toThrow(/"r".*channels_first/s);
  });
});
