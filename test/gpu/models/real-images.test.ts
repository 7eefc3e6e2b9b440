/**
 * Real microscopy images through the malaria classifier: PNG decoding and tf.image.resize-exact
 * preprocessing in TypeScript, inference on WebGPU and on WebAssembly, logits compared with real
 * Keras on the same files (≤ 1e-4 on both), and the same decision on every image. A sample here; all
 * 500 cells run with `npm run validate:malaria`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import { pneumoniaBatch, pneumoniaRefs } from '../../util/pneumonia.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage, type LoadedModel } from '../../util/gpu.ts';
import { MALARIA_MODEL, malariaBatch, malariaRefs } from '../../util/malaria.ts';
import { kernelsOf, recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

// The preprocessing is TypeScript in Node (no backend), checked once.
it('TypeScript preprocessing equals TensorFlow decode + resize (per pixel ≤ 1e-5)', () => {
  const index = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/malaria-preproc/index.json'), 'utf8'));
  for (const item of index.items as { file: string; path: string }[]) {
    const expected = parseNpy(readFileSync(join(repoRoot, 'test/fixtures/malaria-preproc', item.file)));
    const ours = malariaBatch([{ path: item.path, label: 0, logit: 0, prob: 0 }]);
    expectTensorsClose(ours, expected, { atol: 1e-5, rtol: 0 }, item.file);
  }
});

describe.each(BACKENDS)('malaria classifier on real cell images vs real Keras on %s', (backend) => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadModelInPage(MALARIA_MODEL(), { logits: true, backend });
  });
  afterAll(async () => {
    await model?.dispose();
  });

  it('logits of 6 cells (3 per class, batch of 3 twice) match and decisions agree', async () => {
    const refs = malariaRefs();
    const pick = [...refs.filter((r) => r.label === 0).slice(0, 3), ...refs.filter((r) => r.label === 1).slice(0, 3)];
    expectOnBackend(model, backend);
    let maxAbs = 0;
    let same = 0;
    for (const group of [pick.slice(0, 3), pick.slice(3)]) {
      const [logits] = await model.run([malariaBatch(group)]);
      const expected = { shape: [group.length, 1], data: Float32Array.from(group.map((g) => g.logit)) };
      maxAbs = Math.max(maxAbs, expectTensorsClose(logits, expected, { atol: 1e-4, rtol: 0 }, group.map((g) => g.path).join(', ')).maxAbs);
      same += group.filter((g, i) => logits.data[i] > 0 === g.logit > 0).length;
      group.forEach((g, i) => expect(logits.data[i] > 0, g.path).toBe(g.logit > 0));
    }
    await recordCorrectness({
      backend, group: 'malaria-png', title: 'malaria ResNet-style classifier on real PNG cells (TS decode + resize = TF\'s)', input: '6 cells, batches of 3',
      case: '6 cells', measure: 'logits', reference: 'real Keras on the same files', maxAbs, bound: '≤ 1e-4 absolute, same decisions',
      decisions: { same, total: pick.length }, values: pick.length, source: 'test/gpu/models/real-images.test.ts',
    }, () => kernelsOf(model, [malariaBatch(pick.slice(0, 3))]));
  });
});

describe.each(BACKENDS)('pneumonia classifier on real PneumoniaMNIST images vs real Keras on %s', (backend) => {
  it('logits of 4 test images (2 normal, 2 pneumonia) match and decisions agree', async () => {
    const refs = pneumoniaRefs();
    const pick = [...refs.filter((r) => r.label === 0).slice(1, 3), ...refs.filter((r) => r.label === 1).slice(1, 3)];
    const model = await loadModelInPage(join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/pneumonia_model.h5'), { logits: true, backend });
    try {
      expectOnBackend(model, backend);
      const input = pneumoniaBatch(pick.map((p) => p.index));
      const [logits] = await model.run([input]);
      const expected = { shape: [pick.length, 1], data: Float32Array.from(pick.map((p) => p.logit)) };
      const stats = expectTensorsClose(logits, expected, { atol: 1e-4, rtol: 0 }, 'pneumonia logits');
      await recordCorrectness({
        backend, group: 'pneumonia-png', title: 'pneumonia CNN on real PneumoniaMNIST images (Pillow-bilinear preprocessing reproduced)', input: '4 images',
        case: '4 images', measure: 'logits', reference: 'real Keras on the same images', maxAbs: stats.maxAbs, maxRel: stats.maxRel,
        bound: '≤ 1e-4 absolute, same decisions', decisions: { same: pick.filter((p, i) => logits.data[i] > 0 === p.logit > 0).length, total: pick.length },
        values: pick.length, source: 'test/gpu/models/real-images.test.ts',
      }, () => kernelsOf(model, [input]));
      pick.forEach((p, i) => expect(logits.data[i] > 0, `image ${p.index}`).toBe(p.logit > 0));
    } finally {
      await model.dispose();
    }
  });
});
