/**
 * The same engine under Node with Dawn (npm `webgpu`, on SwiftShader where there is no GPU):
 * the pneumonia classifier from its .h5 on disk, compared with the fixture's reference outputs.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, nodeGpu } from '../../src/node.ts';
import { readModelFiles } from '../../src/formats/node-files.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import { fixturesDir } from '../util/fixtures.ts';
import { expectTensorsClose } from '../util/compare.ts';

describe('Node runtime (Dawn)', () => {
  it('pneumonia CNN .h5 matches the reference outputs', async () => {
    const dir = join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5');
    const gpu = await nodeGpu();
    const model = await loadModel(await readModelFiles(join(dir, 'pneumonia_model.h5')), { gpu, backend: 'webgpu', logits: true });
    try {
      expect(model.adapterName.length).toBeGreaterThan(0);
      const input = parseNpy(readFileSync(join(dir, 'ref/pmnist2.input.npy')));
      const logits = await model.predict(input);
      const expected = parseNpy(readFileSync(join(dir, 'ref/pmnist2.logits.npy')));
      expectTensorsClose(logits, expected, { atol: 1e-4, rtol: 0 }, 'pneumonia logits (Dawn)');
    } finally {
      await model.dispose();
    }
  });
});
