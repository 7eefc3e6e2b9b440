/**
 * The seed network of our mission (224×224×3 → Conv 32 → Pool → Conv 64 → Pool → Flatten →
 * Dense 128 → Dense 1 sigmoid) with seeded random weights, against real Keras 3
 * (scripts/keras_refs/seed_network.py): max |logit error| ≤ 1e-4, batch 2, on WebGPU and on WebAssembly.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { fromWire, type WireTensor } from '../../../src/cli/wire.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { fileUrl, gpuPage } from '../../util/gpu.ts';
import { recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, type TestBackend } from '../../util/backends.ts';

const dir = join(repoRoot, 'test/fixtures/seed');

async function runInPage(logits: boolean, backend: TestBackend) {
  const page = await gpuPage();
  const url = fileUrl(join(dir, 'model.json'));
  // A string, so vitest's transform does not rewrite the page-side dynamic import.
  const wire = (await page.evaluate(
    `import('/test/browser/seed-network.ts').then((m) => m.runSeedNetwork(${JSON.stringify(url)}, 2, ${logits}, ${JSON.stringify(backend)}))`,
  )) as WireTensor & { backend: string };
  // The model lives only inside the page: the backend it ran on comes back with its output.
  expect(wire.backend, 'model.backend').toBe(backend);
  return fromWire(wire);
}

describe.each(BACKENDS)('seed network with seeded weights vs real Keras on %s', (backend) => {
  it('logits and sigmoid outputs match, batch 2', async () => {
    const expectedLogits = parseNpy(readFileSync(join(dir, 'seed.logits.npy')));
    const expectedOut = parseNpy(readFileSync(join(dir, 'seed.output.npy')));
    const logits = await runInPage(true, backend);
    const stats = expectTensorsClose(logits, expectedLogits, { atol: 1e-4, rtol: 0 }, 'seed logits');
    console.log(`${backend} seed network: max |logit error| ${stats.maxAbs.toExponential(2)}`);
    const out = await runInPage(false, backend);
    expectTensorsClose(out, expectedOut, { atol: 1e-5, rtol: 1e-4 }, 'seed output');
    // The kernels are not recorded: test/browser/seed-network.ts builds and disposes the model inside the page.
    await recordCorrectness({
      backend, group: 'seed-network', title: 'seed network (Conv32-Pool-Conv64-Pool-Dense128-Dense1), seeded weights', input: 'batch 2, 224×224×3',
      case: 'logits', measure: 'logits', reference: 'real Keras 3 (scripts/keras_refs/seed_network.py)', maxAbs: stats.maxAbs, maxRel: stats.maxRel,
      bound: '≤ 1e-4 absolute, same decisions', decisions: { same: [0, 1].filter((i) => out.data[i] > 0.5 === expectedOut.data[i] > 0.5).length, total: 2 }, values: logits.data.length, source: 'test/gpu/models/seed-network.test.ts',
    });
    for (let i = 0; i < 2; i++) expect(out.data[i] > 0.5).toBe(expectedOut.data[i] > 0.5);
  });
});
