/**
 * The whole-model view of "nothing silently wrong": the bundled malaria CNN (weights/malaria-cnn)
 * given one NaN pixel. Before issue 10 it answered with a confident probability (its ReLUs and
 * max pools dropped the NaN); now the call is refused with the pixel's index, and with
 * allowNonFinite (per call, or at load) the probability is NaN. ±Infinity pixels give what the
 * CPU reference gives, and finite inputs are unchanged by the option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../../src/formats/npy.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { expectTensorsClose } from '../../util/compare.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { loadModelInPage, PageError } from '../../util/gpu.ts';
import { expectSameNonFinite, poisoned } from '../../util/non-finite.ts';

const dir = join(repoRoot, 'weights/malaria-cnn');
const modelJson = join(dir, 'model.json');
/** The first of the model's 8 held-out reference cells, [1, 64, 64, 3]. */
function cell(): Tensor {
  const all = parseNpy(readFileSync(join(dir, 'ref', 'test8.input.npy')));
  const size = 64 * 64 * 3;
  return { shape: [1, 64, 64, 3], data: all.data.slice(0, size) };
}
const PIXEL = [0, 31, 17, 1];

describe('bundled malaria CNN with a non-finite pixel', () => {
  it('is refused by default, naming the pixel; per-call allowNonFinite gives a NaN probability', async () => {
    const model = await loadModelInPage(modelJson);
    try {
      const [clean] = await model.run([cell()]);
      expect(Number.isFinite(clean.data[0])).toBe(true);
      const x = poisoned([cell()], 0, PIXEL, NaN);
      const err = await model.run(x).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PageError);
      expect((err as PageError).code).toBe('NON_FINITE');
      expect((err as PageError).message).toContain('Input 0 has NaN at index 6004 [0, 31, 17, 1] of shape [1, 64, 64, 3]');
      const [y] = await model.run(x, { allowNonFinite: true });
      expect(y.shape).toEqual([1, 1]);
      expect(y.data[0], 'the probability of a cell with a NaN pixel').toBeNaN();
    } finally {
      await model.dispose();
    }
  });

  it('allowNonFinite at load: NaN → NaN, ±Infinity as the CPU reference, finite inputs as before', async () => {
    const graph = buildGraph(await readKerasModel({ files: new Map(['model.json', 'group1-shard1of1.bin'].map((f) => [f, readFileSync(join(dir, f))])) }));
    const model = await loadModelInPage(modelJson, { allowNonFinite: true });
    try {
      const [y] = await model.run(poisoned([cell()], 0, PIXEL, NaN));
      expect(y.data[0]).toBeNaN();
      for (const v of [Infinity, -Infinity]) {
        const x = poisoned([cell()], 0, PIXEL, v);
        const [gpu] = await model.run(x);
        const ref = executeReference(graph, x).outputs[0];
        console.log(`malaria CNN with a ${v} pixel: GPU ${gpu.data[0]}, reference ${ref.data[0]}`);
        expectSameNonFinite(gpu, ref, { atol: 1e-5, rtol: 1e-4 }, `${v} pixel`);
      }
      const [clean] = await model.run([cell()]);
      const expected = parseNpy(readFileSync(join(dir, 'ref', 'test8.output.npy')));
      expectTensorsClose(clean, { shape: [1, 1], data: expected.data.slice(0, 1) }, { atol: 1e-5, rtol: 1e-4 }, 'finite cell');
    } finally {
      await model.dispose();
    }
  });
});
