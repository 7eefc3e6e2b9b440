/** The whole-volume bench row's pure parts (issue 14): region, axis order, agreement, model names, tables. No GPU. */
import { describe, expect, it } from 'vitest';
import { agreement, centredBox, reverseAxes3, subVolume } from '../../bench/page/volume-region.ts';
import { agreementTable, parseVolumeRegion, ratioToTfjs, volumeModelDir, volumeTable, type VolumeCell } from '../../src/cli/commands/bench-volume-report.ts';
import type { MedicalImage } from '../../src/formats/medical/types.ts';

describe('volume region helpers', () => {
  it('reverses (a, b, c) to (c, b, a) in C order, and back', () => {
    // 2×3×4, value = its (a, b, c) index written as a*100 + b*10 + c.
    const data = new Float32Array(24);
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) data[(a * 3 + b) * 4 + c] = a * 100 + b * 10 + c;
    const r = reverseAxes3(data, [2, 3, 4]);
    // (c, b, a) = (3, 2, 1) sits at (3 * 3 + 2) * 2 + 1 and holds the value of (a, b, c) = (1, 2, 3).
    expect(r[(3 * 3 + 2) * 2 + 1]).toBe(123);
    expect(r[1]).toBe(100); // (c, b, a) = (0, 0, 1)
    expect(Array.from(reverseAxes3(r, [4, 3, 2]))).toEqual(Array.from(data));
    expect(() => reverseAxes3(data, [2, 3, 3])).toThrow(/24 values/);
  });

  it('centres an n³ box on the head and keeps it inside the volume', () => {
    expect(centredBox([256, 256, 256], { start: [47, 48, 16], size: [164, 164, 224] }, 64)).toEqual({ start: [97, 98, 96], size: [64, 64, 64] });
    // Near a face the box slides inside; an edge longer than the volume is clipped.
    expect(centredBox([100, 50, 100], { start: [0, 0, 90], size: [10, 50, 10] }, 64)).toEqual({ start: [0, 0, 36], size: [64, 50, 64] });
  });

  it('cuts a sub-volume with the affine moved to its first voxel', () => {
    const shape = [8, 8, 8];
    const data = new Float32Array(512);
    data[(5 * 8 + 5) * 8 + 5] = 10; // one bright voxel at (5, 5, 5)
    const image: MedicalImage = { format: 'nifti', name: 'v', description: '', data, shape, channels: 1, affine: [[-2, 0, 0, 10], [0, 2, 0, -20], [0, 0, 2, 0], [0, 0, 0, 1]] };
    const { image: sub, box } = subVolume(image, 4);
    expect(box).toEqual({ start: [4, 4, 4], size: [4, 4, 4] });
    expect(sub.shape).toEqual([4, 4, 4]);
    expect(sub.data[(1 * 4 + 1) * 4 + 1]).toBe(10);
    expect(sub.affine![0][3]).toBe(10 - 2 * 4);
    expect(sub.affine![1][3]).toBe(-20 + 2 * 4);
    expect(image.affine![0][3]).toBe(10); // the whole image is left as it was
  });

  it('counts equal labels', () => {
    expect(agreement(new Float32Array([0, 1, 2, 2]), new Int32Array([0, 1, 1, 2]))).toEqual({ same: 3, total: 4 });
    expect(() => agreement([1], [1, 2])).toThrow(/1 labels against 2/);
  });
});

describe('volume row options and report', () => {
  it('parses --volume-region', () => {
    expect(parseVolumeRegion(undefined)).toEqual({ kind: 'full' });
    expect(parseVolumeRegion('head')).toEqual({ kind: 'head' });
    expect(parseVolumeRegion('128')).toEqual({ kind: 'box', size: 128 });
    for (const bad of ['4', '12.5', 'crop', '']) expect(() => parseVolumeRegion(bad)).toThrow(/--volume-region/);
  });

  it('finds the MeshNet a --volume-model name means', () => {
    const dirs = ['malaria-resnet-keras2-h5', 'meshnet-model11_gw_ae-tfjs', 'meshnet-model18cls-tfjs', 'meshnet-model5_gw_ae-tfjs'];
    expect(volumeModelDir('model5_gw_ae', dirs)).toBe('meshnet-model5_gw_ae-tfjs');
    expect(volumeModelDir('model11', dirs)).toBe('meshnet-model11_gw_ae-tfjs');
    expect(() => volumeModelDir('gw_ae', dirs)).toThrow(/ambiguous/);
    expect(() => volumeModelDir('malaria', dirs)).toThrow(/matches no MeshNet model; known: model11_gw_ae, model18cls, model5_gw_ae/);
  });

  it('puts each backend against TF.js WebGL by total time, failures in their row', () => {
    const cells: VolumeCell[] = [
      { backend: 'ours', loadMs: 1000, pipelineMs: 9000, stageMs: { conform: 10, normalise: 90, infer: 8800, 'write-back': 100 }, tiles: 1, tile: [256, 256, 256], peakGpuBufferBytes: 700 * 2 ** 20 },
      { backend: 'ours-wasm', error: 'out | of memory' },
      { backend: 'tfjs-webgl', loadMs: 500, pipelineMs: 4500, modelInput: [200, 200, 260], tfBytes: 2 ** 30, tfGpuBytes: 2 ** 29 },
    ];
    expect(ratioToTfjs(cells[0], 5000)).toBe('2.00× slower');
    expect(ratioToTfjs({ backend: 'ours', loadMs: 0, pipelineMs: 2500 }, 5000)).toBe('2.00× faster');
    const t = volumeTable(cells);
    expect(t).toHaveLength(5);
    expect(t[2]).toBe('| ours | 1.0 | 9.0 | 0.0 / 0.1 / 8.8 / 0.1 | 10.0 | 2.00× slower | 1 of 256×256×256 | GPU buffers 700 |');
    expect(t[3]).toContain('failed: out / of memory');
    expect(t[4]).toContain("| (reference) | 1 of 200×200×260 (brainchop's crop) | tf.memory 1024 (in GPU 512) |");
    expect(agreementTable([{ a: 'ours', b: 'tfjs-webgl', same: 999, total: 1000 }])[2]).toBe('| ours vs tfjs-webgl | 999 | 1000 | 99.900 % |');
  });
});
