/**
 * `mi predict` on the models that exercise the wider layer set: a MeshNet 3-D segmenter (TF.js
 * layers, dilated Conv3D, run at a 32³ crop of its declared 256³ input) and Keras 3 files with the
 * 2-D decoder/normalisation layers (Conv2DTranspose, UpSampling2D, ZeroPadding2D, Cropping2D,
 * DepthwiseConv2D, SeparableConv2D, LayerNormalization, PReLU, Permute, Resizing, ...).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { mi, show, tempDir } from './run-mi.ts';

const tmp = tempDir();
const npy = (path: string) => parseNpy(readFileSync(path), path);

describe('mi predict across the layer set', () => {
  it('MeshNet model5 (model.json, Conv3D dilations 1-16) on the 32³ T1 crop', async () => {
    const dir = join(fixturesDir(), 'models/meshnet-model5_gw_ae-tfjs');
    const out = join(tmp, 'meshnet.npy');
    const r = await mi(['predict', join(dir, 'model.json'), '--input', join(dir, 'ref/model5_gw_ae.t1cube32.input.npy'), '--output', out]);
    expect(r.code, show(r)).toBe(0);
    expectTensorsClose(npy(out), npy(join(dir, 'ref/model5_gw_ae.t1cube32.output.npy')), { atol: 1e-4, rtol: 1e-3 }, 'meshnet');
  });

  it.each(['upsampling_transpose', 'depthwise_separable', 'norm_layers'])('%s (.keras)', async (name) => {
    const dir = join(repoRoot, 'test/fixtures/keras', name);
    const out = join(tmp, `${name}.npy`);
    const r = await mi(['predict', join(dir, 'model.keras'), '--input', join(dir, 'input.npy'), '--output', out]);
    expect(r.code, show(r)).toBe(0);
    // Several outputs are written as <name>.0.npy, <name>.1.npy, ... in Keras' order.
    const expected = existsSync(join(dir, 'output.npy')) ? ['output.npy'] : readdirSync(dir).filter((f) => /^output\d+\.npy$/.test(f)).sort();
    expected.forEach((f, i) => {
      const ours = expected.length === 1 ? out : out.replace(/\.npy$/, `.${i}.npy`);
      expectTensorsClose(npy(ours), npy(join(dir, f)), { atol: 1e-4, rtol: 1e-4 }, `${name}/${f}`);
    });
  });
});
