/**
 * A MeshNet model on the whole 256³ T1 volume (../shared/fixtures/volumes/t1_crop.nii.gz) through
 * predictVolumeTiled on the GPU, vs real Keras' labels on the same volume
 * (test/fixtures/meshnet/*.labels.npy.gz, made by scripts/keras_refs/meshnet_volume.py). About a
 * TFLOP, hours on SwiftShader: its own npm script, `npm run validate:meshnet` (MI_MESHNET picks
 * the model, MI_MESHNET_TILE the tile edge). Goal: labels agree on ≥ 99.9 % of voxels.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';
import type { meshnetVolume } from '../browser/meshnet-volume.ts';
import { writeCorrectness } from '../util/record-correctness.ts';
import { regenerateCorrectnessDocs } from '../../scripts/docs-correctness.ts';

const MODEL = process.env.MI_MESHNET ?? 'model11_gw_ae';
// 152 = 128 + the model's 24-voxel halo: two tiles per axis, 8 in all, 154 MB activations.
const TILE = Number(process.env.MI_MESHNET_TILE ?? 152);

describe('MeshNet on the whole T1 volume, tiled', () => {
  afterAll(() => regenerateCorrectnessDocs()); // the recorded row reaches docs/correctness.md and the README
  it(`${MODEL}: argmax labels agree with real Keras on ≥ 99.9 % of voxels`, { timeout: 6 * 3600_000 }, async () => {
    const labels = join(repoRoot, 'test', 'fixtures', 'meshnet', `${MODEL}.t1_crop.labels.npy.gz`);
    if (!existsSync(labels)) throw new Error(`${labels} is missing: make it with real Keras, python3 scripts/keras_refs/meshnet_volume.py ${MODEL} (in a virtualenv with tensorflow-cpu and keras, from the repository root)`);
    const model = join(fixturesDir(), 'models', `meshnet-${MODEL}-tfjs`, 'model.json');
    const volume = join(fixturesDir(), 'volumes', 't1_crop.nii.gz');
    const crop = join(fixturesDir(), 'models', `meshnet-${MODEL}-tfjs`, 'ref', `${MODEL}.t1cube32.input.npy`);
    const page = await gpuPage();
    const call = `import('/test/browser/meshnet-volume.ts').then((m) => m.meshnetVolume(${JSON.stringify(fileUrl(model))}, ${JSON.stringify(fileUrl(volume))}, ${JSON.stringify(fileUrl(labels))}, ${JSON.stringify(fileUrl(crop))}, ${TILE}))`;
    const r = (await page.evaluate(call)) as Awaited<ReturnType<typeof meshnetVolume>>;
    console.log(
      `${MODEL}: ${r.tiles} tiles of ${TILE}³ (halo ${r.reach.before}), ${(r.ms / 1000).toFixed(0)} s; labels agree on ` +
        `${r.same} / ${r.voxels} voxels = ${(100 * r.agreement).toFixed(4)} %; label counts ${r.counts.join(', ')}`,
    );
    // The kernel list is not recorded: predictVolumeTiled builds its tile plans inside the page.
    await writeCorrectness({
      group: 'meshnet-volume', title: `MeshNet ${MODEL} on the whole 256³ T1 volume, tiled (predictVolumeTiled)`,
      input: `256³ T1, ${r.tiles} tiles of ${TILE}³`, case: MODEL, measure: 'labels', reference: 'real Keras\' labels (scripts/keras_refs/meshnet_volume.py)',
      bound: 'labels agree on ≥ 99.9 % of voxels', labels: { same: r.same, total: r.voxels }, seconds: r.ms / 1000, source: 'npm run validate:meshnet',
    });
    expect(r.agreement).toBeGreaterThanOrEqual(0.999);
  });
});
