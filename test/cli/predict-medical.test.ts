/**
 * `mi predict --image` with medical images: a DICOM on the bundled malaria CNN equals predicting the
 * same windowed pixels given as .npy (made here from `mi decode --voi` by the documented steps: ×255,
 * grey repeated to RGB, tf.image.resize bilinear to 64×64, the metadata's scale 1); a window in the
 * model's metadata is used (and a flag overrides it); a NIfTI volume on a 3-D MeshNet equals its
 * min-max-scaled .npy. Node runtime (Dawn).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, toNpy } from '../../src/formats/npy.ts';
import { resizeImageBilinear } from '../../src/runtime/image-resize.ts';
import type { Tensor } from '../../src/tensor.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const MODEL = join(repoRoot, 'weights', 'malaria-cnn');
const CT = join(repoRoot, 'test', 'fixtures', 'dicom', 'ct_signed16.dcm');
const out = tempDir();
const npy = (path: string) => parseNpy(readFileSync(path));

/** [0, 1] intensities (rows, cols) → the malaria CNN's input by the steps its metadata states. */
function pixelsFor(unit: Tensor): Tensor {
  const [h, w] = unit.shape;
  const rgb = new Float32Array(h * w * 3);
  for (let i = 0; i < h * w; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = unit.data[i] * 255;
  return resizeImageBilinear({ shape: [1, h, w, 3], data: rgb }, 64, 64); // scale 1, offset 0: no change
}

async function predictNpy(input: Tensor, name: string, model = join(MODEL, 'model.keras')): Promise<Float32Array> {
  const inPath = join(out, `${name}.in.npy`);
  const outPath = join(out, `${name}.out.npy`);
  writeFileSync(inPath, toNpy(input));
  const r = await mi(['predict', model, '--input', inPath, '-o', outPath, '--runtime', 'node']);
  expect(r.code, show(r)).toBe(0);
  return npy(outPath).data;
}

describe('mi predict --image with DICOM and NIfTI', () => {
  it('a DICOM (its own window) equals the same windowed pixels as .npy', async () => {
    const unit = join(out, 'ct-voi.npy');
    const d = await mi(['decode', CT, '--voi', '-o', unit]);
    expect(d.code, show(d)).toBe(0);
    const expected = pixelsFor(npy(unit));
    const saved = join(out, 'ct.input.npy');
    const outPath = join(out, 'ct.out.npy');
    const r = await mi(['predict', join(MODEL, 'model.keras'), '--image', CT, '--save-input', saved, '-o', outPath, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/preprocessing: window from-file \(default\) → \[0, 255\], metadata\.json \(scale 1\)/);
    const input = npy(saved);
    expect(input.shape).toEqual([1, 64, 64, 3]);
    expect(Array.from(input.data)).toEqual(Array.from(expected.data));
    const viaNpy = await predictNpy(expected, 'ct');
    expect(Array.from(npy(outPath).data)).toEqual(Array.from(viaNpy));
  });

  it("the metadata's window is used; --window overrides it", async () => {
    const dir = tempDir();
    copyFileSync(join(MODEL, 'model.keras'), join(dir, 'model.keras'));
    const meta = JSON.parse(readFileSync(join(MODEL, 'metadata.json'), 'utf8'));
    meta.input.window = { center: -600, width: 1500 };
    meta.input.orientation = 'RAS'; // not a value we know: dropped, and said on stderr
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify(meta));
    const saved = join(out, 'meta.input.npy');
    const r = await mi(['predict', join(dir, 'model.keras'), '--image', CT, '--save-input', saved, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/window -600,1500 \(metadata\) → \[0, 255\]/);
    expect(r.stderr.trim()).toBe('mi predict: metadata.json: input.orientation "RAS" is not one of native, reversed: ignored');
    const unit = join(out, 'ct-lung.npy');
    expect((await mi(['decode', CT, '--window=-600,1500', '-o', unit])).code).toBe(0);
    expect(Array.from(npy(saved).data)).toEqual(Array.from(pixelsFor(npy(unit)).data));

    const flagged = join(out, 'flag.input.npy');
    const f = await mi(['predict', join(dir, 'model.keras'), '--image', CT, '--window', '40,400', '--save-input', flagged, '--runtime', 'node']);
    expect(f.code, show(f)).toBe(0);
    expect(f.stdout).toMatch(/window 40,400 \(flag\)/);
    const soft = join(out, 'ct-soft.npy');
    expect((await mi(['decode', CT, '--window', '40,400', '-o', soft])).code).toBe(0);
    expect(Array.from(npy(flagged).data)).toEqual(Array.from(pixelsFor(npy(soft)).data));
  });

  it('a NIfTI volume on a 3-D MeshNet equals its min-max-scaled [1, i, j, k, 1] .npy', async () => {
    const model = join(fixturesDir(), 'models', 'meshnet-model5_gw_ae-tfjs', 'model.json');
    const nii = join(repoRoot, 'test', 'fixtures', 'nifti', 'tiny', 'scl_int16.nii');
    const raw = join(out, 'vol.npy');
    expect((await mi(['decode', nii, '-o', raw])).code).toBe(0);
    const v = npy(raw);
    let min = Infinity;
    let max = -Infinity;
    for (const x of v.data) (min = Math.min(min, x)), (max = Math.max(max, x));
    // min-max to [0, 1] (float32), ×255 onto the default range, then the default scale 1/255.
    const scaled = Float32Array.from(v.data, (x) => Math.fround(Math.fround(Math.fround((x - min) / (max - min)) * 255) / 255));
    const saved = join(out, 'vol.input.npy');
    const outPath = join(out, 'vol.out.npy');
    const r = await mi(['predict', model, '--image', nii, '--save-input', saved, '-o', outPath, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    const input = npy(saved);
    expect(input.shape).toEqual([1, 5, 4, 3, 1]);
    let worst = 0;
    input.data.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - scaled[i]))));
    expect(worst).toBeLessThan(1e-6);
    const viaNpy = await predictNpy(input, 'vol', model);
    expect(Array.from(npy(outPath).data)).toEqual(Array.from(viaNpy));
  });

  it('--frame picks a frame of a multi-frame DICOM (windowed by its functional groups\' window); a frame too far is one line', async () => {
    const mf = join(repoRoot, 'test', 'fixtures', 'dicom', 'multiframe_fg.dcm');
    const voi = join(out, 'mf-voi.npy');
    expect((await mi(['decode', mf, '--voi', '-o', voi])).code).toBe(0);
    const all = npy(voi);
    expect(all.shape).toEqual([4, 32, 32]);
    const unit = { data: all.data.slice(2 * 1024, 3 * 1024), shape: [32, 32] };
    const saved = join(out, 'mf.input.npy');
    const r = await mi(['predict', join(MODEL, 'model.keras'), '--image', mf, '--frame', '2', '--save-input', saved, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    const expected = pixelsFor(unit).data;
    let worst = 0;
    npy(saved).data.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - expected[i]))));
    // The same window and steps: identical.
    expect(worst).toBe(0);
    const far = await mi(['predict', join(MODEL, 'model.keras'), '--image', mf, '--frame', '9', '--runtime', 'node']);
    expect(far.code).toBe(1);
    expect(far.stderr.trim()).toMatch(/^mi predict: multiframe_fg\.dcm has 4 frames; frame 9 asked for$/);
  });
});
