/**
 * ZeroPadding3D, Cropping3D and UpSampling3D (one kernel, shaders/reindex3d.wgsl) vs the CPU
 * reference, built through their Keras configs so the argument parsing (int, 3 ints, 3 pairs) is
 * covered too: asymmetric amounts per axis, odd sizes, channels 1/3/5, batch 2. Exact: pure copies.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { reindex3d } from '../../../src/ops/reindex3d.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { runGraphOnGpu } from '../../util/gpu.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { randomTensor } from '../../util/random.ts';

const EXACT = { atol: 0, rtol: 0 };

const cases: { name: string; className: string; config: Record<string, unknown>; input: number[]; out: number[] }[] = [
  { name: 'ZeroPadding3D default 1, odd 3×5×7, C 3', className: 'ZeroPadding3D', config: {}, input: [1, 3, 5, 7, 3], out: [1, 5, 7, 9, 3] },
  { name: 'ZeroPadding3D ((1, 2), (0, 3), (2, 0)), C 5, batch 2', className: 'ZeroPadding3D', config: { padding: [[1, 2], [0, 3], [2, 0]] }, input: [2, 3, 4, 5, 5], out: [2, 6, 7, 7, 5] },
  { name: 'ZeroPadding3D (2, 1, 0) symmetric per axis, C 1', className: 'ZeroPadding3D', config: { padding: [2, 1, 0] }, input: [1, 5, 6, 7, 1], out: [1, 9, 8, 7, 1] },
  { name: 'Cropping3D ((1, 2), (0, 3), (2, 1)) of 7×9×11, C 3', className: 'Cropping3D', config: { cropping: [[1, 2], [0, 3], [2, 1]] }, input: [1, 7, 9, 11, 3], out: [1, 4, 6, 8, 3] },
  { name: 'Cropping3D 2 on every side, batch 2, C 5', className: 'Cropping3D', config: { cropping: 2 }, input: [2, 7, 8, 9, 5], out: [2, 3, 4, 5, 5] },
  { name: 'UpSampling3D default 2 on odd 3×5×7, C 3', className: 'UpSampling3D', config: {}, input: [1, 3, 5, 7, 3], out: [1, 6, 10, 14, 3] },
  { name: 'UpSampling3D (1, 2, 3), batch 2, C 5', className: 'UpSampling3D', config: { size: [1, 2, 3] }, input: [2, 3, 4, 5, 5], out: [2, 3, 8, 15, 5] },
];

const layerOf = (className: string, config: Record<string, unknown>): KerasLayer => ({ name: 'l', className, config, inbound: [], weights: [] });

describe('reindex3d (pad / crop / upsample) kernel vs CPU reference', () => {
  cases.forEach((c, i) => {
    it(c.name, async () => {
      const draft = reindex3d.fromKeras!(layerOf(c.className, c.config), { meta: { name: '', kerasVersion: '3', format: 'test' }, kerasMajor: 3 });
      const { attrs } = Array.isArray(draft) ? draft[0] : draft;
      const graph = singleOpGraph({ op: 'reindex3d', attrs, inputShapes: [c.input] });
      const x = randomTensor(c.input, 900 + i);
      const expected = executeReference(graph, [x]).outputs[0];
      expect(expected.shape).toEqual(c.out);
      const [gpu] = await runGraphOnGpu(graph, [x]);
      expectTensorsClose(gpu, expected, EXACT, c.name);
    });
  });

  it('hand-checked: UpSampling3D 2 repeats, ZeroPadding3D puts zeros before', () => {
    const x = { shape: [1, 1, 1, 2, 1], data: Float32Array.from([3, 4]) };
    const g = (className: string, config: Record<string, unknown>) => {
      const d = reindex3d.fromKeras!(layerOf(className, config), { meta: { name: '', kerasVersion: '3', format: 'test' }, kerasMajor: 3 });
      return singleOpGraph({ op: 'reindex3d', attrs: (Array.isArray(d) ? d[0] : d).attrs, inputShapes: [[...x.shape]] });
    };
    expect([...executeReference(g('UpSampling3D', { size: [1, 1, 2] }), [x]).outputs[0].data]).toEqual([3, 3, 4, 4]);
    expect([...executeReference(g('ZeroPadding3D', { padding: [[0, 0], [0, 0], [2, 1]] }), [x]).outputs[0].data]).toEqual([0, 0, 3, 4, 0]);
    expect([...executeReference(g('Cropping3D', { cropping: [[0, 0], [0, 0], [1, 0]] }), [x]).outputs[0].data]).toEqual([4]);
  });

  it('channels_first is rejected naming the layer', () => {
    expect(() => reindex3d.fromKeras!(layerOf('UpSampling3D', { data_format: 'channels_first' }), { meta: { name: '', kerasVersion: '3', format: 'test' }, kerasMajor: 3 })).toThrow(
      UnsupportedLayerError,
    );
  });
});
