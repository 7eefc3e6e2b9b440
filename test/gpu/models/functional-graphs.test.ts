/**
 * Functional Keras 3 graphs with branches and merges (scripts/keras_refs/functional_graphs.py):
 * every model in test/fixtures/keras loaded from its .keras file and run on WebGPU and on WebAssembly,
 * outputs compared with real Keras' model.predict at max |error| ≤ 1e-4 (relative 1e-4 where values
 * are large), the same bound on both backends.
 */
import { describe, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { loadModelInPage } from '../../util/gpu.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

const root = join(repoRoot, 'test/fixtures/keras');
const models = readdirSync(root).filter((d) => existsSync(join(root, d, 'model.keras')));

it('has reference models to test', () => {
  if (models.length < 3) throw new Error(`expected several models in ${root}, found ${models.length}`);
});

describe.each(BACKENDS)('Functional graphs vs real Keras 3 on %s', (backend) => {
  for (const name of models) {
    it(name, async () => {
      const dir = join(root, name);
      const input = parseNpy(readFileSync(join(dir, 'input.npy')));
      const outFiles = existsSync(join(dir, 'output.npy'))
        ? ['output.npy']
        : readdirSync(dir).filter((f) => /^output\d+\.npy$/.test(f)).sort();
      const model = await loadModelInPage(join(dir, 'model.keras'), { backend });
      try {
        expectOnBackend(model, backend);
        const outputs = await model.run([input]);
        if (outputs.length !== outFiles.length) throw new Error(`${name}: ${outputs.length} outputs, Keras has ${outFiles.length}`);
        outFiles.forEach((f, i) => {
          const expected = parseNpy(readFileSync(join(dir, f)));
          const stats = expectTensorsClose(outputs[i], expected, { atol: 1e-4, rtol: 1e-4 }, `${name}/${f}`);
          console.log(`${backend} ${name}/${f}: max abs error ${stats.maxAbs.toExponential(2)}, max rel ${stats.maxRel.toExponential(2)}`);
        });
      } finally {
        await model.dispose();
      }
    });
  }
});
