/**
 * The model the project ships (weights/malaria-cnn, trained by scripts/train_malaria_cnn.py with
 * real Keras): both shipped files give Keras' outputs and logits on its held-out reference cells, on
 * WebGPU and on WebAssembly with the same bounds.
 * The image path through <mi-classifier> is checked end to end in test/e2e.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage } from '../../util/gpu.ts';
import { kernelsOf, recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

const dir = join(repoRoot, 'weights/malaria-cnn');
const npy = (f: string) => parseNpy(readFileSync(join(dir, 'ref', f)));

describe.each(BACKENDS)('bundled malaria-cnn vs real Keras on %s', (backend) => {
  for (const file of ['model.json', 'model.keras']) {
    it(`${file}: outputs and logits of 8 held-out cells`, async () => {
      const input = npy('test8.input.npy');
      const probs = await loadModelInPage(join(dir, file), { backend });
      const logits = await loadModelInPage(join(dir, file), { logits: true, backend });
      try {
        expectOnBackend(probs, backend);
        expectOnBackend(logits, backend);
        const [p] = await probs.run([input]);
        const [l] = await logits.run([input]);
        expectTensorsClose(p, npy('test8.output.npy'), { atol: 1e-5, rtol: 1e-4 }, `${file} output`);
        const stats = expectTensorsClose(l, npy('test8.logits.npy'), { atol: 1e-4, rtol: 0 }, `${file} logits`);
        console.log(`${backend} malaria-cnn ${file}: max |logit error| ${stats.maxAbs.toExponential(2)}`);
        const expected = npy('test8.output.npy');
        await recordCorrectness({
          backend, group: 'bundled-malaria-cnn', title: 'the bundled `weights/malaria-cnn` (`model.json` and `.keras`)', input: '8 held-out cells, 64×64×3',
          case: file, measure: 'logits', reference: 'real Keras (weights/malaria-cnn/ref)', maxAbs: stats.maxAbs, maxRel: stats.maxRel,
          bound: '≤ 1e-4 absolute, same decisions', decisions: { same: expected.data.filter((e, i) => p.data[i] > 0.5 === e > 0.5).length, total: 8 },
          values: l.data.length, source: 'test/gpu/models/bundled-model.test.ts',
        }, () => kernelsOf(logits, [input]));
        for (let i = 0; i < 8; i++) expect(p.data[i] > 0.5).toBe(expected.data[i] > 0.5);
      } finally {
        await probs.dispose();
        await logits.dispose();
      }
    });
  }
});
