/**
 * `mi segment` end to end on Dawn (--runtime node) with the smallest MeshNet (model5_gw_ae) on the
 * 32³ crop of the T1 its fixture reference was made from. The crop is stored with its axes permuted
 * (ALI instead of t1_crop's LIA, same 1 mm voxels), so `--grid 32` conforms it by an exact axis
 * permutation and the labels come back by the inverse one: the model sees exactly the fixture input,
 * and the labels on the file's own grid must be Keras' labels permuted. A metadata.json beside the
 * model (symlinked files in a temporary folder: the fixtures are read, never copied) names the
 * labels and feeds the stored values as they are (scale 1), since the crop is already scaled.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { readNifti } from '../../src/formats/nifti/index.ts';
import { writeNifti } from '../../src/formats/nifti/write.ts';
import { fixturesDir } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const MODEL_DIR = join(fixturesDir(), 'models', 'meshnet-model5_gw_ae-tfjs');
const N = 32;
/** ALI: voxel axis a → Anterior, b → Left, c → Inferior; any origin. */
const AFFINE = [[0, -1, 0, 20], [1, 0, 0, -30], [0, 0, -1, 40], [0, 0, 0, 1]];

/** The fixture's [1, 32, 32, 32, C] (LIA: i, j, k) as ALI (a = k, b = i, c = j), C values per voxel. */
function toAli(data: Float32Array, channels: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let k = 0; k < N; k++) {
    for (let ch = 0; ch < channels; ch++) out[((k * N + i) * N + j) * channels + ch] = data[((i * N + j) * N + k) * channels + ch];
  }
  return out;
}

describe('mi segment', () => {
  const dir = tempDir();
  const model = join(dir, 'model');
  mkdirSync(model);
  for (const f of ['model.json', 'group1-shard1of1.bin']) symlinkSync(join(MODEL_DIR, f), join(model, f));
  writeFileSync(join(model, 'metadata.json'), JSON.stringify({ labels: ['background', 'grey matter', 'white matter'], colors: ['#000000', '#808080', '#ffffff'], input: { scale: 1 } }));
  const input = parseNpy(readFileSync(join(MODEL_DIR, 'ref', 'model5_gw_ae.t1cube32.input.npy')));
  const output = parseNpy(readFileSync(join(MODEL_DIR, 'ref', 'model5_gw_ae.t1cube32.output.npy')));
  const volume = join(dir, 'crop-ali.nii.gz');
  // sform code 2 (aligned): the labels keep the input's code.
  writeFileSync(volume, writeNifti(toAli(input.data, 1), [N, N, N], AFFINE, { gzip: true, sformCode: 2 }));

  it('labels in the volume\'s own space equal Keras\' labels; volumes and names in the summary', { timeout: 300_000 }, async () => {
    const labels = join(dir, 'labels.nii.gz');
    const probabilities = join(dir, 'p.nii.gz');
    const r = await mi(['segment', join(model, 'model.json'), '--volume', volume, '-o', labels, '--probabilities', probabilities, '--grid', '32', '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    const got = readNifti(readFileSync(labels));
    expect(got.shape).toEqual([N, N, N]);
    expect(got.header.datatype.name).toBe('uint8');
    got.affine!.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(AFFINE[i][j], 5)));
    expect(got.header.xformCode).toBe(2);
    // Keras' labels, permuted like the volume.
    const keras = toAli(output.data, 3);
    let same = 0;
    const counts = [0, 0, 0];
    for (let v = 0; v < N ** 3; v++) {
      const s = keras.subarray(3 * v, 3 * v + 3);
      const want = s[0] >= s[1] && s[0] >= s[2] ? 0 : s[1] >= s[2] ? 1 : 2;
      if (got.data[v] === want) same++;
      counts[got.data[v]]++;
    }
    // Our kernels and Keras differ by float rounding only: a label flips only at a near-tie.
    expect(same / N ** 3).toBeGreaterThanOrEqual(0.999);
    expect(r.stdout).toContain(`labels 32×32×32 → ${labels}, probabilities → ${probabilities} · background ${counts[0]} voxels ${(counts[0] / 1000).toFixed(1)} cm³, grey matter ${counts[1]} voxels`);
    expect(r.stderr).toContain('mi segment: conformed 32×32×32 to 32×32×32');
    const p = readNifti(readFileSync(probabilities));
    expect(p.shape).toEqual([N, N, N, 3]);
    for (let v = 0; v < 50; v++) expect(p.data[3 * v] + p.data[3 * v + 1] + p.data[3 * v + 2]).toBeCloseTo(1, 5);
  });

  it('a DICOM series folder: labels on the series\' own [slice, row, col] grid with its affine', { timeout: 300_000 }, async () => {
    const series = join(fixturesDir(), 'dicom', 'brain-series');
    const labels = join(dir, 'series-labels.nii');
    // A coarse 32³ grid of 8 mm keeps the run small; the write-back still fills every voxel of the series.
    const r = await mi(['segment', join(MODEL_DIR, 'model.json'), '--volume', series, '-o', labels, '--grid', '32,8', '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    const got = readNifti(readFileSync(labels));
    expect(got.shape).toEqual([20, 256, 256]);
    // The series' affine (formats/dicom/series.ts): first slice at pydicom's position, LPS → RAS.
    // (within float32 storage of the header: 1e-4 mm here)
    [110.5, 78.3063, -72.7575].forEach((v, r) => expect(Math.abs(got.affine![r][3] - v)).toBeLessThan(1e-4));
    expect(r.stdout).toMatch(/^labels 20×256×256 → .* · background \d+ voxels/);
    expect(r.stderr).toContain('uneven slice spacing'); // the reader's note on 1 % jitter, passed on
  });

  it('a 4-D volume or a truncated file is one line on stderr, before any GPU work', { timeout: 60_000 }, async () => {
    const four = join(dir, 'four.nii');
    writeFileSync(four, writeNifti(new Float32Array(4 * 4 * 4 * 2), [4, 4, 4, 2], AFFINE));
    const r = await mi(['segment', join(model, 'model.json'), '--volume', four, '-o', join(dir, 'x.nii.gz'), '--runtime', 'node']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr.trim()).toMatch(/^mi segment: .*four\.nii is 4-D \(4×4×4×2, 2 time points or channels\)/);
    const cut = join(dir, 'cut.nii');
    writeFileSync(cut, readFileSync(four).subarray(0, 400));
    const t = await mi(['segment', join(model, 'model.json'), '--volume', cut, '-o', join(dir, 'x.nii.gz'), '--runtime', 'node']);
    expect(t.code, show(t)).toBe(1);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    expect(t.stderr).toMatch(/truncated/);
    const bad = await mi(['segment', join(model, 'model.json'), '--volume', volume, '-o', join(dir, 'x.nii.gz'), '--grid', '0']);
    expect(bad.code).toBe(2);
  });
});
