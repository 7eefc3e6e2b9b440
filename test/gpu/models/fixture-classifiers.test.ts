/**
 * The two real Keras 2 classifiers of ../shared/fixtures, run whole on WebGPU and on WebAssembly in
 * Chromium and compared with the fixtures' reference outputs (made by TF.js-CPU and an independent
 * PyTorch interpreter, which agree to ~4e-6): max |error| ≤ 1e-4 on logits and outputs, same
 * decisions, on both backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { fixturesDir } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';
import { kernelsOf, recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

const LOGIT_TOL = { atol: 1e-4, rtol: 0 };

const cases = [
  { name: 'malaria ResNet-style classifier (Keras 2.15 Functional .h5)', file: 'malaria-resnet-keras2-h5/malaria_model.h5', ref: 'malaria-resnet-keras2-h5/ref/nih2',
    group: 'fixture-malaria-resnet', input: '2 cells, 224×224×3' },
  { name: 'pneumonia CNN (Keras 2.4 Sequential .h5)', file: 'pneumonia-cnn-keras2-h5/pneumonia_model.h5', ref: 'pneumonia-cnn-keras2-h5/ref/pmnist2',
    group: 'fixture-pneumonia', input: '2 X-rays, 150×150×3' },
];

const npy = (path: string) => parseNpy(readFileSync(path));

describe.each(BACKENDS)('real Keras 2 classifiers vs reference outputs on %s', (backend) => {
  const open: LoadedModel[] = [];
  afterAll(async () => {
    for (const m of open) await m.dispose();
  });

  for (const c of cases) {
    it(c.name, async () => {
      const dir = fixturesDir();
      const models = join(dir, 'models');
      const input = npy(join(models, `${c.ref}.input.npy`));
      const expectedOut = npy(join(models, `${c.ref}.output.npy`));
      const expectedLogits = npy(join(models, `${c.ref}.logits.npy`));

      const probs = await loadModelInPage(join(models, c.file), { backend });
      open.push(probs);
      expectOnBackend(probs, backend);
      const [out] = await probs.run([input]);
      expectTensorsClose(out, expectedOut, LOGIT_TOL, `${c.name}: output`);

      const logitsModel = await loadModelInPage(join(models, c.file), { logits: true, backend });
      open.push(logitsModel);
      expectOnBackend(logitsModel, backend);
      const [logits] = await logitsModel.run([input]);
      const stats = expectTensorsClose(logits, expectedLogits, LOGIT_TOL, `${c.name}: logits`);
      console.log(`${backend} ${c.name}: max |logit error| ${stats.maxAbs.toExponential(2)}`);
      const decisionsSame = expectedOut.data.filter((e, i) => out.data[i] > 0.5 === e > 0.5).length;
      await recordCorrectness({
        backend, group: c.group, title: `${c.name}, fixture`, input: c.input, case: 'logits', measure: 'logits',
        reference: 'the fixture\'s outputs (TF.js-CPU and an independent PyTorch interpreter, which agree to ~4e-6)',
        maxAbs: stats.maxAbs, maxRel: stats.maxRel, bound: `≤ ${LOGIT_TOL.atol} absolute, same decisions`,
        decisions: { same: decisionsSame, total: expectedOut.data.length }, values: logits.data.length,
        source: 'test/gpu/models/fixture-classifiers.test.ts',
      }, () => kernelsOf(logitsModel, [input]));
      for (let i = 0; i < expectedOut.data.length; i++) {
        expect(out.data[i] > 0.5, `decision for item ${i}`).toBe(expectedOut.data[i] > 0.5);
      }
    });
  }
});
