/**
 * The four MeshNet brain-segmentation models of ../shared/fixtures (TF.js layers, Conv3D 3×3×3
 * 'same' with dilations up to 16, relu/elu, 1×1×1 head) run whole on WebGPU and on WebAssembly on the 32³ T1 crops
 * of their ref/ folders (they declare 256³ but are fully convolutional) and are compared with the
 * reference logits: |error| ≤ 4× the error measured for that model (TOLERANCE below), and argmax
 * labels agree on ≥ 99.9 % of voxels.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';
import { kernelsOf, recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

// Measured on SwiftShader (2026-12-02), max |GPU − reference logit| over the 32³ crop:
//   model5_gw_ae 1.17e-5 (logits within ±7.2), model11_gw_ae 7.63e-5 (±38), model18cls 9.54e-6 (±14),
//   model20chan3cls 5.01e-6 (±4.2): 1–2 millionths of each model's logit range, float32 sums over
//   9–10 dilated Conv3D layers in another order. Each bound is 4× its model's measured error, absolute
//   only. Was 1e-4 + 1e-3·|logit| for all four, which allowed up to 0.038 on model11's −38 logits.
//   Since the 3×3×3 layers run conv3d_blocked_c1.wgsl / conv3d_blocked_x3_2y.wgsl (sums over (kz, ky,
//   ci, kx), 2026-12-03; wider layers in channel blocks): model5 2.17e-5, model11 1.20e-4,
//   model18cls 1.72e-5, model20chan3cls 5.72e-6 on WebGPU, inside the bounds, which stay.
const TOLERANCE: Record<string, Tolerance> = {
  model5_gw_ae: { atol: 4.7e-5, rtol: 0 },
  model11_gw_ae: { atol: 3.1e-4, rtol: 0 },
  model18cls: { atol: 3.8e-5, rtol: 0 },
  model20chan3cls: { atol: 2e-5, rtol: 0 },
};

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

describe.each(BACKENDS)('MeshNet models on 32³ T1 crops vs reference logits on %s', (backend) => {
  const open: LoadedModel[] = [];
  afterAll(async () => {
    for (const m of open) await m.dispose();
  });

  for (const name of MODELS) {
    it(name, async () => {
      const TOL = TOLERANCE[name];
      const dir = join(fixturesDir(), 'models', `meshnet-${name}-tfjs`);
      const input = parseNpy(readFileSync(join(dir, 'ref', `${name}.t1cube32.input.npy`)));
      const expected = parseNpy(readFileSync(join(dir, 'ref', `${name}.t1cube32.output.npy`)));
      const model = await loadModelInPage(join(dir, 'model.json'), { inputShape: [...input.shape], backend });
      open.push(model);
      expectOnBackend(model, backend);
      expect(model.info.layers.some((l) => l.op === 'conv3d')).toBe(true);
      const [out] = await model.run([input]);
      const stats = expectTensorsClose(out, expected, TOL, `${name}: logits`);
      const agree = labelAgreement(out, expected);
      const voxels = out.data.length / out.shape[out.shape.length - 1];
      await recordCorrectness({
        backend, group: 'meshnet-crops', title: 'the four MeshNet 3-D segmenters (TF.js layers, dilated Conv3D)', input: '32³ T1 crops',
        case: name, measure: 'logits', reference: 'the fixtures\' reference logits (ref/*.t1cube32.output.npy)', maxAbs: stats.maxAbs, maxRel: stats.maxRel,
        bound: `≤ ${TOL.atol} + ${TOL.rtol}·|ref|, labels ≥ 99.9 %`, labels: { same: Math.round(agree * voxels), total: voxels },
        values: out.data.length, source: 'test/gpu/models/meshnet.test.ts',
      }, () => kernelsOf(model, [input]));
      console.log(`${backend} ${name}: max |error| ${stats.maxAbs.toExponential(2)}, max rel ${stats.maxRel.toExponential(2)}, labels agree on ${(100 * agree).toFixed(4)} %`);
      expect(agree).toBeGreaterThanOrEqual(0.999);
    });
  }
});
