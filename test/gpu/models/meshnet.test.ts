/**
 * The four MeshNet brain-segmentation models of ../shared/fixtures (TF.js layers, Conv3D 3×3×3
 * 'same' with dilations up to 16, relu/elu, 1×1×1 head) run whole on the GPU on the 32³ T1 crops
 * of their ref/ folders (they declare 256³ but are fully convolutional) and are compared with the
 * reference logits: |error| ≤ 1e-4 + 1e-3·|expected| per voxel and class (the relative part only
 * matters where logits are large: model11's reach −38), and argmax labels agree on ≥ 99.9 % of voxels.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';

const TOL = { atol: 1e-4, rtol: 1e-3 };

const MODELS = ['model5_gw_ae', 'model11_gw_ae', 'model18cls', 'model20chan3cls'];

/** Fraction of voxels whose argmax over the last axis agrees (first maximum wins on ties). */
export function labelAgreement(a: Tensor, b: Tensor): number {
  const C = a.shape[a.shape.length - 1];
  const voxels = a.data.length / C;
  let same = 0;
  for (let v = 0; v < voxels; v++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < C; c++) {
      if (a.data[v * C + c] > a.data[v * C + ia]) ia = c;
      if (b.data[v * C + c] > b.data[v * C + ib]) ib = c;
    }
    if (ia === ib) same++;
  }
  return same / voxels;
}

describe('MeshNet models on 32³ T1 crops vs reference logits', () => {
  const open: LoadedModel[] = [];
  afterAll(async () => {
    for (const m of open) await m.dispose();
  });

  for (const name of MODELS) {
    it(name, async () => {
      const dir = join(fixturesDir(), 'models', `meshnet-${name}-tfjs`);
      const input = parseNpy(readFileSync(join(dir, 'ref', `${name}.t1cube32.input.npy`)));
      const expected = parseNpy(readFileSync(join(dir, 'ref', `${name}.t1cube32.output.npy`)));
      const model = await loadModelInPage(join(dir, 'model.json'), { inputShape: [...input.shape] });
      open.push(model);
      expect(model.info.layers.some((l) => l.op === 'conv3d')).toBe(true);
      const [out] = await model.run([input]);
      const stats = expectTensorsClose(out, expected, TOL, `${name}: logits`);
      const agree = labelAgreement(out, expected);
      console.log(`${name}: max |error| ${stats.maxAbs.toExponential(2)}, max rel ${stats.maxRel.toExponential(2)}, labels agree on ${(100 * agree).toFixed(4)} %`);
      expect(agree).toBeGreaterThanOrEqual(0.999);
    });
  }
});
