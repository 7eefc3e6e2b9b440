/** Pooling op modules on the Node tier: Keras configs (and aliases) → attrs, shapes, rejections. */
import { describe, expect, it } from 'vitest';
import { ShapeError, UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import type { GraphNode } from '../../../src/graph/ir.ts';
import { globalPool } from '../../../src/ops/global-pool.ts';
import { pool2d } from '../../../src/ops/pool2d.ts';
import { KERAS_LAYERS } from '../../../src/ops/registry.ts';
import type { NodeDraft } from '../../../src/ops/types.ts';

const ctx = { meta: { name: 'm', kerasVersion: '3.5.0', format: 'test' }, kerasMajor: 3 as const };
const layer = (className: string, config: Record<string, unknown>): KerasLayer => ({ name: 'pool', className, config, inbound: [], weights: [] });
const node = (d: NodeDraft, kerasClass: string): GraphNode => ({ name: 'pool', kerasClass, op: d.op, inputs: ['x'], output: 'y', attrs: d.attrs, weights: [] });

describe('pool2d', () => {
  const imports = [
    { className: 'MaxPooling2D', config: { pool_size: [2, 2], strides: null, padding: 'valid' }, attrs: { mode: 'max', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
    { className: 'MaxPool2D', config: { pool_size: 3, strides: 3, padding: 'valid' }, attrs: { mode: 'max', poolSize: [3, 3], strides: [3, 3], padding: 'valid' } },
    { className: 'AveragePooling2D', config: { pool_size: [2, 3], strides: [1, 2], padding: 'same' }, attrs: { mode: 'avg', poolSize: [2, 3], strides: [1, 2], padding: 'same' } },
    { className: 'AvgPool2D', config: {}, attrs: { mode: 'avg', poolSize: [2, 2], strides: [2, 2], padding: 'valid' } },
  ];
  for (const c of imports) {
    it(`${c.className} ${JSON.stringify(c.config)} (strides default to pool_size)`, () => {
      expect(KERAS_LAYERS[c.className]).toBe('pool2d');
      expect((pool2d.fromKeras!(layer(c.className, c.config), ctx) as NodeDraft).attrs).toEqual(c.attrs);
    });
  }

  it('rejects channels_first, naming the layer', () => {
    expect(() => pool2d.fromKeras!(layer('MaxPooling2D', { data_format: 'channels_first' }), ctx)).toThrow(UnsupportedLayerError);
    expect(() => pool2d.fromKeras!(layer('MaxPooling2D', { data_format: 'channels_first' }), ctx)).toThrow(/"pool" \(MaxPooling2D\)/);
  });

  it("shapes: 'valid' floors, 'same' ceils, too small is a ShapeError", () => {
    const valid = node(pool2d.fromKeras!(layer('MaxPooling2D', { pool_size: 3 }), ctx) as NodeDraft, 'MaxPooling2D');
    const same = node(pool2d.fromKeras!(layer('MaxPooling2D', { pool_size: 3, padding: 'same' }), ctx) as NodeDraft, 'MaxPooling2D');
    expect(pool2d.inferShape(valid, [[2, 224, 10, 5]])).toEqual([2, 74, 3, 5]);
    expect(pool2d.inferShape(same, [[2, 224, 10, 5]])).toEqual([2, 75, 4, 5]);
    expect(() => pool2d.inferShape(valid, [[1, 2, 10, 5]])).toThrow(ShapeError);
  });
});

describe('global_pool', () => {
  const imports = [
    { className: 'GlobalAveragePooling2D', config: {}, attrs: { mode: 'avg', keepdims: false, spatialRank: 2 } },
    { className: 'GlobalAvgPool2D', config: { keepdims: true }, attrs: { mode: 'avg', keepdims: true, spatialRank: 2 } },
    { className: 'GlobalMaxPooling2D', config: { keepdims: false }, attrs: { mode: 'max', keepdims: false, spatialRank: 2 } },
    { className: 'GlobalMaxPool2D', config: { keepdims: true }, attrs: { mode: 'max', keepdims: true, spatialRank: 2 } },
    { className: 'GlobalAveragePooling3D', config: {}, attrs: { mode: 'avg', keepdims: false, spatialRank: 3 } },
    { className: 'GlobalMaxPool3D', config: { keepdims: true }, attrs: { mode: 'max', keepdims: true, spatialRank: 3 } },
  ];
  for (const c of imports) {
    it(`${c.className} ${JSON.stringify(c.config)}`, () => {
      expect(KERAS_LAYERS[c.className]).toBe('global_pool');
      expect((globalPool.fromKeras!(layer(c.className, c.config), ctx) as NodeDraft).attrs).toEqual(c.attrs);
    });
  }

  it('keepdims gives [N, 1, 1, C], otherwise [N, C]; rank is checked', () => {
    const keep = node({ op: 'global_pool', attrs: { mode: 'avg', keepdims: true, spatialRank: 2 }, weights: [] }, 'GlobalAveragePooling2D');
    const drop = node({ op: 'global_pool', attrs: { mode: 'avg', keepdims: false, spatialRank: 2 }, weights: [] }, 'GlobalAveragePooling2D');
    expect(globalPool.inferShape(keep, [[2, 7, 9, 13]])).toEqual([2, 1, 1, 13]);
    expect(globalPool.inferShape(drop, [[2, 7, 9, 13]])).toEqual([2, 13]);
    expect(() => globalPool.inferShape(drop, [[2, 7, 13]])).toThrow(ShapeError);
  });

  it('the 3-D layers: [N, 1, 1, 1, C] with keepdims; a 4-D input is refused', () => {
    const keep = node({ op: 'global_pool', attrs: { mode: 'max', keepdims: true, spatialRank: 3 }, weights: [] }, 'GlobalMaxPooling3D');
    expect(globalPool.inferShape(keep, [[1, 4, 5, 6, 3]])).toEqual([1, 1, 1, 1, 3]);
    expect(() => globalPool.inferShape(keep, [[1, 4, 5, 3]])).toThrow(ShapeError);
  });
});
