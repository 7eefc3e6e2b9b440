/**
 * `mi segment` on the whole 256³ T1 (../shared/fixtures/volumes/t1_crop.nii.gz, already conformed:
 * the conform step is skipped) with a MeshNet model, vs real Keras' whole-volume labels
 * (test/fixtures/meshnet/*.labels.npy.gz, scripts/keras_refs/meshnet_volume.py). About a TFLOP:
 * hours on SwiftShader, so its own npm script, `npm run validate:segment`. MI_MESHNET picks the
 * model (default model11_gw_ae), MI_MESHNET_TILE the tile edge (default 152), MI_SEGMENT_RUNTIME
 * the runtime (default: mi's choice), MI_SEGMENT_BACKEND the backend (`--backend`: webgpu, wasm or
 * auto; default mi's, webgpu): MI_SEGMENT_BACKEND=wasm runs the whole volume in ONNX Runtime Web's
 * WASM EP, minutes instead of hours on a software adapter. Goal: labels agree on ≥ 99.9 % of voxels; the output's
 * shape and affine equal the input's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { readNifti } from '../../src/formats/nifti/index.ts';
import { mi, show, tempDir } from '../cli/run-mi.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';

const MODEL = process.env.MI_MESHNET ?? 'model11_gw_ae';
const TILE = process.env.MI_MESHNET_TILE ?? '152';
const RUNTIME = process.env.MI_SEGMENT_RUNTIME;
const BACKEND = process.env.MI_SEGMENT_BACKEND;

describe('mi segment on the whole T1', () => {
  it(`${MODEL}${BACKEND ? ` (${BACKEND})` : ''}: labels agree with real Keras on ≥ 99.9 % of voxels, in the input's space`, { timeout: 6 * 3600_000 }, async () => {
    const reference = join(repoRoot, 'test', 'fixtures', 'meshnet', `${MODEL}.t1_crop.labels.npy.gz`);
    const expected = parseNpy(gunzipSync(readFileSync(reference)));
    const volume = join(fixturesDir(), 'volumes', 't1_crop.nii.gz');
    const labels = join(tempDir(), 'labels.nii.gz');
    const args = ['segment', join(fixturesDir(), 'models', `meshnet-${MODEL}-tfjs`, 'model.json'), '--volume', volume, '-o', labels, '--tile', TILE];
    if (RUNTIME) args.push('--runtime', RUNTIME);
    if (BACKEND) args.push('--backend', BACKEND);
    const r = await mi(args, {}, 6 * 3600_000);
    expect(r.code, show(r)).toBe(0);
    console.log(r.stdout.trim());
    const input = readNifti(readFileSync(volume));
    const got = readNifti(readFileSync(labels));
    expect(got.shape).toEqual(input.shape);
    got.affine!.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - input.affine![i][j])).toBeLessThan(1e-4)));
    expect(expected.data.length).toBe(got.data.length);
    let same = 0;
    for (let v = 0; v < got.data.length; v++) if (got.data[v] === expected.data[v]) same++;
    console.log(`${MODEL}: labels agree on ${same} / ${got.data.length} voxels = ${((100 * same) / got.data.length).toFixed(4)} %`);
    expect(same / got.data.length).toBeGreaterThanOrEqual(0.999);
  });
});
