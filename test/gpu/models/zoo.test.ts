/**
 * Conformance zoo (scripts/keras_refs/zoo.py): real Keras 3 architectures with seeded weights,
 * rebuilt in the page from their architecture JSON, run on WebGPU and on WebAssembly at batch 2,
 * batch 1 and (U-Nets) another spatial size, against real Keras' outputs: |error| ≤ 1e-4 + 1e-3·|expected|
 * on both backends.
 *
 * Only the models that take under ~60 s on SwiftShader run here; `npm run conformance` runs all of
 * them (test/long/conformance.test.ts) and writes docs/conformance.md.
 */
import { describe, expect, it } from 'vitest';
import { checkZooModel, checkIntermediates, zooModels } from '../../util/zoo.ts';
import { BACKENDS } from '../../util/backends.ts';

/** Measured on SwiftShader (2 shared cores); the others are in the conformance run only. */
export const NPM_TEST_ZOO = ['unet', 'attention_unet', 'mobilenet_v2', 'efficientnet_b0', 'resnet50', 'densenet121', 'vgg16', 'inception_v3'];

it('has the zoo models', () => {
  const have = zooModels();
  const missing = NPM_TEST_ZOO.filter((m) => !have.includes(m));
  expect(missing, 'run scripts/keras_refs/zoo.py').toEqual([]);
});

describe.each(BACKENDS)('Conformance zoo vs real Keras 3 on %s', (backend) => {
  for (const name of NPM_TEST_ZOO) {
    it(name, async () => {
      const { comparisons, run } = await checkZooModel(name, false, false, backend);
      expect(run.backend, 'model.backend').toBe(backend);
      for (const c of comparisons) {
        console.log(`${backend} ${name} ${c.label}: max abs ${c.maxAbs.toExponential(2)}, max rel ${c.maxRel.toExponential(2)} (|Keras| ≤ ${c.scale.toPrecision(3)})`);
      }
      console.log(`${backend} ${name}: build ${run.buildMs.toFixed(0)} ms, runs ${run.firstRunMs.map((t) => t.toFixed(0)).join(' / ')} ms`);
      const bad = comparisons.filter((c) => !c.ok);
      if (bad.length > 0) {
        const { first, checked } = await checkIntermediates(name, backend);
        const worst = checked.find((c) => c.label === first);
        throw new Error(
          `${name}: ${bad.map((c) => `${c.label} (${c.message})`).join('; ')}` +
            (worst ? `; first diverging checked layer: ${first} (max abs ${worst.maxAbs.toExponential(2)})` : '; every checked intermediate agrees'),
        );
      }
    });
  }
});
