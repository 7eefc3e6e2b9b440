/**
 * The CPU references that define "correct" for the GPU kernel tests, checked against real Keras on
 * the *_variants fixtures (scripts/keras_refs/layers_3d.py, layers_2d.py), Node tier, no GPU:
 * Conv3DTranspose, Max/AveragePooling3D 'same' and 'valid', strided/valid/dilated Conv3D and grouped
 * Conv2D. Every layer's inferred shape must be Keras' (layers.json), and the whole graph run by the
 * references, raw and optimised, must give model.predict. Without this a geometry bug shared by a
 * kernel and its reference would pass every kernel test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../src/formats/npy.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { inferShapes } from '../../../src/compile/shapes.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { repoRoot } from '../../util/fixtures.ts';

// Measured 2026-12-02, max |reference − Keras| over the whole output (float32 sums in another order
// than TF's, outputs O(1)); each bound is 4× its measurement. One wrong or missing tap changes an
// output by a whole product |w·x|, on average 0.03–0.06 here; a padded cell counted in a 'same'
// average moves it by up to 0.7.
const MODELS: Record<string, Tolerance> = {
  conv3d_transpose_variants: { atol: 1e-6, rtol: 0 }, // measured 2.4e-7
  pool3d_variants: { atol: 2.4e-7, rtol: 0 }, // measured 6.0e-8
  conv3d_variants: { atol: 1.5e-6, rtol: 0 }, // measured 3.6e-7
  conv2d_grouped_variants: { atol: 1e-6, rtol: 0 }, // measured 2.4e-7
};
const dir = (m: string): string => join(repoRoot, 'test/fixtures/keras', m);

interface LayersJson {
  outputs: string[];
  layers: { name: string; class: string; output_shape: (number | null)[] }[];
}

describe('layer-variant fixtures: shapes and CPU references vs real Keras', () => {
  for (const [m, tol] of Object.entries(MODELS)) {
    it(`${m}: every layer's output shape is Keras'; references (raw and optimised graph) give model.predict`, async () => {
      const info = JSON.parse(readFileSync(join(dir(m), 'layers.json'), 'utf8')) as LayersJson;
      const graph = buildGraph(await readKerasModel(new Uint8Array(readFileSync(join(dir(m), 'model.keras')))));
      const input = parseNpy(readFileSync(join(dir(m), 'input.npy')));
      const expected = parseNpy(readFileSync(join(dir(m), 'output.npy')));
      const shapes = inferShapes(graph, [input.shape]);
      for (const l of info.layers) {
        if (l.class === 'InputLayer') continue;
        expect([l.name, shapes.get(`${l.name}:0:0`)]).toEqual([l.name, [2, ...l.output_shape.slice(1)]]);
      }
      for (const [label, g] of [['raw', graph], ['optimised', optimizeGraph(graph)]] as const) {
        const { outputs } = executeReference(g, [input]);
        const stats = expectTensorsClose(outputs[0], expected, tol, `${m} (${label} graph)`);
        console.log(`${m} (${label} graph): max abs error ${stats.maxAbs.toExponential(2)}`);
      }
    });
  }
});
