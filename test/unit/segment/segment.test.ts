/**
 * segmentVolume's pipeline (src/segment/segment.ts) on the CPU with a stand-in model: a "network"
 * with no layers whose two class scores are 0.5 and the voxel's normalised value, so the labels are
 * known (1 where the normalised intensity exceeds 0.5). The GPU runs are in
 * test/gpu/segment-cli.test.ts and, whole-volume, `npm run validate:segment`.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, DicomFormatError, ShapeError } from '../../../src/errors.ts';
import type { MedicalImage } from '../../../src/formats/medical/types.ts';
import { segmentVolume, type SegmentProgress } from '../../../src/segment/segment.ts';
import { headBox } from '../../../src/segment/crop.ts';
import { thresholdModel } from './threshold-model.ts';

/** A 30×36×24 RAS volume of 2 mm voxels: a bright ellipsoid (value 200) on 0, with a gradient. */
function phantom(): MedicalImage {
  const shape = [30, 36, 24];
  const data = new Float32Array(30 * 36 * 24);
  for (let i = 0, n = 0; i < 30; i++) for (let j = 0; j < 36; j++) for (let k = 0; k < 24; k++, n++) {
    const r = ((i - 15) / 10) ** 2 + ((j - 18) / 12) ** 2 + ((k - 12) / 8) ** 2;
    data[n] = r < 1 ? 200 : r < 1.6 ? 60 : 0;
  }
  return { format: 'nifti', name: 'phantom.nii', data, shape, channels: 1, affine: [[2, 0, 0, -30], [0, 2, 0, -36], [0, 0, 2, -24], [0, 0, 0, 1]], description: 'test' };
}

const grid = { size: 64, voxelSize: 2 } as const; // small conform grids keep the test fast

describe('segmentVolume', () => {
  it('labels land on the input grid: shape and affine are the input\'s, volumes in mm³', async () => {
    const image = phantom();
    const stages: SegmentProgress[] = [];
    const r = await segmentVolume(thresholdModel(), image, { conform: grid, tile: 32, onProgress: (p) => stages.push(p) });
    expect(r.labels.shape).toEqual(image.shape);
    expect(r.labels.affine).toEqual(image.affine);
    // Expected: label 1 exactly where the value is 200 (normalised 1 > 0.5; 60 → 0.3). Conform and
    // write-back are exact here (same 2 mm voxel size, whole-voxel offsets), so every voxel agrees.
    let same = 0;
    for (let n = 0; n < image.data.length; n++) if (r.labels.data[n] === (image.data[n] === 200 ? 1 : 0)) same++;
    expect(same).toBe(image.data.length);
    const ones = r.labels.data.reduce((s, v) => s + v, 0);
    expect(r.volumes).toEqual([
      { label: 0, name: 'background', voxels: image.data.length - ones, mm3: (image.data.length - ones) * 8 },
      { label: 1, name: 'label 1', voxels: ones, mm3: ones * 8 },
    ]);
    expect(r.notes.some((n) => /min–max to \[0, 1\]/.test(n))).toBe(true);
    expect(r.labelTable.map((e) => e.color)).toEqual(['#000000', '#cd3e4e']);
    // Every stage reported, in order, with the tiles (64³ in tiles of 32: 8).
    expect([...new Set(stages.map((s) => s.stage))]).toEqual(['conform', 'normalise', 'infer', 'write-back']);
    // Conform and write-back report per slab: fractions rise to 1.
    for (const stage of ['conform', 'write-back']) {
      const f = stages.filter((s) => s.stage === stage).map((s) => s.fraction);
      expect(f.length).toBeGreaterThan(10);
      expect(f.every((v, n) => n === 0 || v >= f[n - 1])).toBe(true);
      expect(f.at(-1)).toBe(1);
    }
    expect(stages.filter((s) => s.tiles).map((s) => s.tile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('crop: only the head\'s box runs, and the labels equal the uncropped run\'s', async () => {
    const whole = await segmentVolume(thresholdModel(), phantom(), { conform: grid });
    const model = thresholdModel();
    const cropped = await segmentVolume(model, phantom(), { conform: grid, crop: true, probabilities: true });
    expect(cropped.labels.data).toEqual(whole.labels.data);
    expect(cropped.notes.find((n) => n.startsWith('cropped'))).toMatch(/^cropped to the head: \d+×\d+×\d+ voxels/);
    const p = cropped.probabilities!;
    expect(p.shape).toEqual([30, 36, 24, 2]);
    for (let v = 0; v < 100; v++) expect(p.data[2 * v] + p.data[2 * v + 1]).toBeCloseTo(1, 5);
  });

  it("metadata orientation 'reversed' feeds (k, j, i) and turns the answer back: same labels", async () => {
    const native = await segmentVolume(thresholdModel(), phantom(), { conform: grid });
    const seen: (readonly number[])[] = [];
    const model = thresholdModel({ input: { orientation: 'reversed' } });
    const predict = model.predict.bind(model);
    model.predict = async (t) => (seen.push(t.shape), predict(t));
    const reversed = await segmentVolume(model, phantom(), { conform: false, crop: true });
    const plain = await segmentVolume(thresholdModel(), phantom(), { conform: false, crop: true });
    expect(reversed.labels.data).toEqual(plain.labels.data);
    expect(native.labels.data).toEqual(plain.labels.data);
    // The phantom's head box, grown by nothing (no receptive field), reversed: k first.
    expect(seen[0].slice(1, 4)).toEqual([...plain.notes.find((n) => n.startsWith('cropped'))!.match(/(\d+)×(\d+)×(\d+)/)!.slice(1).map(Number)].reverse());
  });

  it('the head box grows by the receptive field and stays inside the volume', () => {
    const data = new Float32Array(10 * 10 * 10);
    data[(4 * 10 + 5) * 10 + 6] = 1; // one bright voxel at (4, 5, 6)
    expect(headBox(data, [10, 10, 10], { before: [2, 1, 0], after: [3, 9, 1] })).toEqual({ start: [2, 4, 6], size: [6, 6, 2] });
    expect(headBox(new Float32Array(1000), [10, 10, 10], { before: [0, 0, 0], after: [0, 0, 0] })).toBeUndefined();
  });

  it('metadata names and colours the labels; a wrong count falls back with a note', async () => {
    const r = await segmentVolume(thresholdModel({ labels: ['air', 'tissue'], colors: ['#000', '#fff'] }), phantom(), { conform: grid });
    expect(r.labelTable).toEqual([{ label: 0, name: 'air', color: '#000' }, { label: 1, name: 'tissue', color: '#fff' }]);
    const bad = await segmentVolume(thresholdModel({ labels: ['a', 'b', 'c'] }), phantom(), { conform: grid });
    expect(bad.labelTable[1].name).toBe('label 1');
    expect(bad.notes).toContain('metadata labels name 3 classes, the model has 2: default names used');
  });

  it('options.labels (the element\'s labels) name the labels over the metadata\'s, keeping its colours', async () => {
    const r = await segmentVolume(thresholdModel({ labels: ['air', 'tissue'], colors: ['#000', '#fff'] }), phantom(), { conform: grid, labels: ['outside', 'inside'] });
    expect(r.labelTable).toEqual([{ label: 0, name: 'outside', color: '#000' }, { label: 1, name: 'inside', color: '#fff' }]);
    expect(r.volumes.map((v) => v.name)).toEqual(['outside', 'inside']);
  });

  it('an AbortSignal stops it between tiles with AbortError, and before it starts', async () => {
    const controller = new AbortController();
    const model = thresholdModel();
    const run = segmentVolume(model, phantom(), { conform: grid, tile: 32, signal: controller.signal, onProgress: (p) => p.tile === 2 && controller.abort('enough') });
    await expect(run).rejects.toThrow(AbortError);
    expect(model.calls).toBe(2);
    await expect(segmentVolume(model, phantom(), { signal: AbortSignal.abort('no') })).rejects.toThrow(/aborted \(conform\)/);
    // Inside a resampling too: between slabs of the conform.
    const mid = new AbortController();
    const conforming = segmentVolume(model, phantom(), { conform: grid, signal: mid.signal, onProgress: (p) => p.stage === 'conform' && p.fraction > 0.5 && mid.abort('mid-conform') });
    await expect(conforming).rejects.toThrow(/aborted \(conform\): mid-conform/);
    expect(model.calls).toBe(2);
  });

  it('bad volumes are typed errors naming the volume', async () => {
    const model = thresholdModel();
    const with_ = (patch: Partial<MedicalImage>) => ({ ...phantom(), ...patch });
    await expect(segmentVolume(model, with_({ shape: [30, 36, 12, 2] }))).rejects.toThrow(/phantom\.nii is 4-D \(30×36×12×2/);
    await expect(segmentVolume(model, with_({ shape: [30, 36, 24, 1] }), { conform: grid })).resolves.toBeDefined(); // one time point is fine
    await expect(segmentVolume(model, with_({ shape: [1, 36 * 30, 24] }))).rejects.toThrow(ShapeError);
    await expect(segmentVolume(model, with_({ shape: [30, 36, 25] }))).rejects.toThrow(/values for 30×36×25 voxels/);
    await expect(segmentVolume(model, with_({ shape: [3000, 1, 1] }))).rejects.toThrow(/not a volume/);
    await expect(segmentVolume(model, with_({ affine: [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }))).rejects.toThrow(/not plausible/);
    const series = with_({ format: 'dicom', affine: undefined, spacing: [2, 2, 2], notes: ['uneven slice spacing: steps differ from the mean 2.1000 mm by up to 1.9000 mm; the volume\'s spacing is the mean'] });
    await expect(segmentVolume(model, series)).rejects.toThrow(DicomFormatError);
    await expect(segmentVolume(model, with_({ format: 'dicom', affine: undefined }))).rejects.toThrow(/no voxel spacing and no affine/);
    expect(model.calls).toBe(1); // only the one good volume ran
  });

  it('a DICOM series without an affine is placed from its orientation and spacing', async () => {
    const image = { ...phantom(), format: 'dicom' as const, affine: undefined, spacing: [2, 2, 2], orientation: [1, 0, 0, 0, 1, 0] };
    const r = await segmentVolume(thresholdModel(), image, { conform: grid });
    expect(r.labels.shape).toEqual(image.shape);
    expect(r.notes.some((n) => /origin 0/.test(n))).toBe(true);
    expect(r.volumes[1].voxels).toBeGreaterThan(0);
  });
});
