/**
 * The conformance zoo (test/fixtures/zoo: real Keras 3 architectures, seeded weights, Keras'
 * outputs) through the ONNX export in Node: each model is rebuilt from its architecture JSON and
 * regenerated weights (as test/browser/zoo.ts does in the page), optimised, exported with a
 * symbolic batch (the U-Nets, which declare open sizes, for each input's size), run in ONNX Runtime (Node, WASM, one thread) on its batch-2 input and compared
 * with Keras within the zoo's tolerance (ZOO_TOL: 1e-4 absolute + 1e-3 relative). Long: about a
 * minute for all eight on 2 cores, so not in npm test (`test/unit/onnx` and `test/cli/convert.test.ts`
 * cover every op and the small fixtures there).
 *
 *   MI_LONG=1 npx vitest run test/long/onnx-zoo.test.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../src/compile/passes/index.ts';
import { kerasModelFromArchitecture } from '../../src/formats/from-architecture.ts';
import type { WeightTensor } from '../../src/graph/ir.ts';
import { exportOnnx } from '../../src/onnx/index.ts';
import { zooValues, type ZooWeight } from '../browser/zoo.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { ZOO_DIR, ZOO_TOL, zooHas, zooModels, zooNpy } from '../util/zoo.ts';
import { runOnnx } from '../unit/onnx/ort.ts';

function zooKeras(name: string) {
  const dir = join(ZOO_DIR, name);
  const architecture: unknown = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const { weights } = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8')) as { weights: ZooWeight[] };
  const byLayer = new Map<string, WeightTensor[]>();
  for (const w of weights) {
    if (w.skip) continue;
    const list = byLayer.get(w.layer) ?? [];
    list.push({ name: w.name, shape: w.shape, data: zooValues(w.shape.reduce((a, b) => a * b, 1), w.seed!, w.offset!, w.scale!) });
    byLayer.set(w.layer, list);
  }
  return kerasModelFromArchitecture(architecture, (layer) => byLayer.get(layer.name), { format: 'zoo' });
}

describe('conformance zoo through the ONNX export, in ONNX Runtime (Node)', () => {
  it('has models', () => expect(zooModels().length).toBeGreaterThan(0));
  for (const name of zooModels()) {
    it(name, async () => {
      const graph = optimizeGraph(buildGraph(zooKeras(name)));
      // The U-Nets declare open sizes: exported for each input's size (128² and the alt 96²).
      const pairs = zooHas(name, 'input_alt.npy') ? [['input.npy', 'output.npy'], ['input_alt.npy', 'output_alt.npy']] : [['input.npy', 'output.npy']];
      for (const [inFile, outFile] of pairs) {
        const input = zooNpy(name, inFile);
        const t0 = performance.now();
        const onnx = await exportOnnx(graph, { inputShapes: [input.shape] });
        const t1 = performance.now();
        const [got] = await runOnnx(onnx.bytes, onnx.inputNames, onnx.outputNames.slice(0, 1), [input]);
        const t2 = performance.now();
        const stats = expectTensorsClose(got, zooNpy(name, outFile), ZOO_TOL, `${name} ${inFile}`);
        console.log(
          `${name} [${input.shape.join(', ')}]: ${(onnx.bytes.length / 2 ** 20).toFixed(1)} MiB ONNX, export ${(t1 - t0).toFixed(0)} ms, ` +
            `ORT ${(t2 - t1).toFixed(0)} ms, max |ORT − Keras| ${stats.maxAbs.toExponential(2)}`,
        );
      }
    }, 300_000);
  }
});
