/**
 * model.explain against real Keras' Grad-CAM (scripts/keras_refs/gradcam.py: tf.GradientTape, the
 * recipe of Keras' own example with the last activation removed) on five models: the malaria ResNet
 * (GAP → Dense sigmoid, the closed form) and pneumonia CNN (Flatten → Dense 512 → Dense sigmoid) of
 * ../shared/fixtures, the bundled malaria CNN (Flatten → Dense relu → Dropout → Dense sigmoid),
 * MobileNetV2 from the conformance zoo (GAP → Dense → softmax) and a tiny model whose head has BN,
 * Activation, Dropout, Dense elu/tanh, Add and Concatenate, with explicit classes and named layers.
 * On both backends: maps within 1e-3 (max abs, after normalisation), the same class and target layer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../src/formats/npy.ts';
import { fromWire } from '../../../src/cli/wire.ts';
import type { Tensor } from '../../../src/tensor.ts';
import type { GradCamPageCase, GradCamPageResult } from '../../browser/gradcam.ts';
import { BACKENDS, type TestBackend } from '../../util/backends.ts';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import { fileUrl, gpuPage } from '../../util/gpu.ts';

/**
 * Maps are ratios to their own maximum, so their error is relative to the strongest evidence: 1e-3
 * (the bound). Float32 forward passes in another order move activations by ~1e-6 relative.
 */
const MAP_TOL = 1e-3;

interface RefCase {
  name: string;
  classIndex: number[];
  layer: string;
  requestedClass: number[] | null;
  requestedLayer: string | null;
  targetShape: number[];
  file: string;
}
interface RefModel {
  model: string;
  input: string;
  batch: number;
  cases: RefCase[];
}

const GRADCAM_DIR = join(repoRoot, 'test/fixtures/gradcam');
const refs = JSON.parse(readFileSync(join(GRADCAM_DIR, 'refs.json'), 'utf8')) as { models: Record<string, RefModel> };

/** A path of refs.json (relative to the repository root; ../shared/fixtures/... for the shared ones). */
function pathOf(p: string): string {
  const shared = '../shared/fixtures/';
  return p.startsWith(shared) ? join(fixturesDir(), p.slice(shared.length)) : join(repoRoot, p);
}

async function explainInPage(name: string, cases: GradCamPageCase[], backend: TestBackend) {
  const ref = refs.models[name];
  const page = await gpuPage();
  const model = name === 'mobilenet_v2' ? { zooDirUrl: fileUrl(pathOf(ref.model)) } : { url: fileUrl(pathOf(ref.model)) };
  const args = [model, fileUrl(pathOf(ref.input)), ref.batch, cases, backend];
  // A string, so vitest's transform does not rewrite the page-side dynamic import.
  return (await page.evaluate(`import('/test/browser/gradcam.ts').then((m) => m.explainInPage(...${JSON.stringify(args)}))`)) as {
    backend: TestBackend;
    results: GradCamPageResult[];
    predictChange: number;
  };
}

function maxAbs(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

describe.each(BACKENDS)('Grad-CAM vs Keras on %s', (backend) => {
  for (const [name, ref] of Object.entries(refs.models)) {
    it(`${name}: ${ref.cases.map((c) => c.name).join(', ')}`, async () => {
      const cases = ref.cases.map((c) => ({ classIndex: c.requestedClass ?? undefined, layer: c.requestedLayer ?? undefined }));
      const run = await explainInPage(name, cases, backend);
      expect(run.backend).toBe(backend);
      expect(run.predictChange, 'predict() after explain() gives the same outputs').toBeLessThanOrEqual(1e-5);
      ref.cases.forEach((c, i) => {
        const r = run.results[i];
        if ('error' in r) throw new Error(`${name} ${c.name}: ${r.error.name}: ${r.error.message}`);
        const expected = parseNpy(readFileSync(join(GRADCAM_DIR, c.file)));
        const maps = fromWire(r.maps);
        expect(r.classIndex, `${name} ${c.name}: class`).toEqual(c.classIndex);
        expect(r.layer, `${name} ${c.name}: layer`).toBe(c.layer);
        expect(r.targetShape).toEqual(c.targetShape);
        expect(maps.shape).toEqual([ref.batch, ...c.targetShape]);
        // A map that says something: its peak is 1 and not everything is at the peak.
        for (let b = 0; b < ref.batch; b++) {
          const item = maps.data.subarray(b * maps.data.length / ref.batch, (b + 1) * maps.data.length / ref.batch);
          expect(Math.max(...item)).toBeCloseTo(1, 6);
          expect(item.some((v) => v < 0.99)).toBe(true);
        }
        const err = maxAbs(maps, expected);
        console.log(`${backend} ${name} ${c.name}: classes ${r.classIndex} layer ${r.layer} ${c.targetShape.join('x')}, max |map - Keras| ${err.toExponential(2)}`);
        expect(err, `${name} ${c.name}`).toBeLessThanOrEqual(MAP_TOL);
      });
    });
  }

  it('refuses a head it cannot differentiate (naming the layer), unknown layers, classes out of range; an aborted call ends with AbortError', async () => {
    const run = await explainInPage('tiny_head', [{ layer: 'conv1' }, { layer: 'flatten' }, { layer: 'nope' }, { classIndex: [3, 0] }, { aborted: true }, {}], backend);
    const [pool, flat, missing, badClass, aborted] = run.results.map((r) => ('error' in r ? r.error : undefined));
    expect(aborted).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect(run.results[5]).not.toHaveProperty('error'); // the model still explains after all that
    expect(pool).toMatchObject({ name: 'UnsupportedLayerError', code: 'UNSUPPORTED_LAYER', layerName: 'pool1' });
    expect(pool!.message).toMatch(/Layer "pool1" \(MaxPooling2D\).*Grad-CAM cannot differentiate through MaxPooling2D/);
    expect(flat).toMatchObject({ code: 'SHAPE' });
    expect(flat!.message).toMatch(/"flatten" outputs rank-2/);
    expect(missing!.message).toMatch(/no layer named "nope"/);
    expect(badClass!.message).toMatch(/class index 3 out of range: the model has 3 classes/);
  });
});
