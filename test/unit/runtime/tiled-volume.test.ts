/**
 * Tile planning for predictVolumeTiled, Node tier: the receptive field of the real MeshNet graphs
 * (Σ dilations for 3×3×3 'same' chains), cores that cover every axis exactly once with a halo that
 * reaches the field or the volume's edge, and the errors for graphs tiling cannot split.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { planAxis, predictVolumeTiled, receptiveField } from '../../../src/runtime/tiled-volume.ts';
import type { Model } from '../../../src/model.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import type { Graph } from '../../../src/graph/ir.ts';

async function meshnet(name: string): Promise<Graph> {
  const path = join(fixturesDir(), 'models', `meshnet-${name}-tfjs`, 'model.json');
  return buildGraph(await readKerasModel(await readModelFiles(path)));
}

describe('receptiveField', () => {
  it.each([
    ['model5_gw_ae', 46],
    ['model11_gw_ae', 24],
    ['model18cls', 46],
  ])('MeshNet %s reaches Σ dilations = %i voxels each way', async (name, r) => {
    expect(receptiveField(await meshnet(name))).toEqual({ before: [r, r, r], after: [r, r, r] });
  });

  it('rejects strided windows', async () => {
    const g = await meshnet('model11_gw_ae');
    g.nodes[0] = { ...g.nodes[0], attrs: { ...g.nodes[0].attrs, strides: [2, 2, 2] } };
    expect(() => receptiveField(g)).toThrow(/stride-1 'same'/);
  });

  it('predictVolumeTiled refuses a halo smaller than the field (the answer would change)', async () => {
    const model = { graph: await meshnet('model11_gw_ae') } as unknown as Model;
    const volume = { shape: [1, 8, 8, 8, 1], data: new Float32Array(512) };
    await expect(predictVolumeTiled(model, volume, { halo: 23 })).rejects.toThrow(/smaller than the model's receptive field/);
  });

  it('rejects ops whose reach it does not know', async () => {
    const g = await meshnet('model11_gw_ae');
    g.nodes[1] = { ...g.nodes[1], op: 'upsampling3d' };
    expect(() => receptiveField(g)).toThrow(/does not know this op/);
  });
});

describe('planAxis', () => {
  const cases: [number, number, number, number][] = [
    [256, 128, 24, 24],
    [256, 96, 46, 46],
    [48, 32, 4, 5],
    [47, 20, 3, 0],
    [33, 33, 10, 10],
    [10, 64, 5, 5],
    [100, 11, 5, 5],
  ];
  it.each(cases)('size %i, tile %i, halo %i + %i: cores partition the axis, halos suffice', (size, tile, before, after) => {
    const tiles = planAxis(size, tile, before, after);
    let next = 0;
    for (const t of tiles) {
      expect(t.coreStart).toBe(next);
      expect(t.coreEnd).toBeGreaterThan(t.coreStart);
      next = t.coreEnd;
      expect(t.start).toBeGreaterThanOrEqual(0);
      expect(t.start + Math.min(tile, size)).toBeLessThanOrEqual(size);
      // Every core voxel sees `before` voxels below and `after` above, or the volume's edge.
      expect(t.start === 0 || t.start <= t.coreStart - before).toBe(true);
      const end = t.start + Math.min(tile, size);
      expect(end === size || end >= t.coreEnd + after).toBe(true);
    }
    expect(next).toBe(size);
  });

  it('refuses a tile no larger than its halo', () => {
    expect(() => planAxis(256, 92, 46, 46)).toThrow(/no core/);
  });
});
