/**
 * All 500 malaria test cells (../shared/fixtures/images/malaria-cells) through the engine on the GPU,
 * compared with real Keras' logits on the same files. About 5 GFLOP per cell, so this is its own npm
 * script: `npm run validate:malaria`. Prints max |logit error|, decision agreement and balanced accuracy,
 * and records them (with the plan's kernels) in docs/correctness.json for the README's Correctness table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelInPage, type LoadedModel } from '../util/gpu.ts';
import { MALARIA_MODEL, balancedAccuracy, malariaBatch, malariaRefs } from '../util/malaria.ts';
import { kernelsOf, writeCorrectness } from '../util/record-correctness.ts';
import { regenerateCorrectnessDocs } from '../../scripts/docs-correctness.ts';

const BATCH = 4;

describe('500 malaria test cells', () => {
  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadModelInPage(MALARIA_MODEL(), { logits: true });
  });
  afterAll(async () => {
    await model?.dispose();
    regenerateCorrectnessDocs(); // the recorded row reaches docs/correctness.md and the README
  });

  it('every decision equals real Keras; logits within 1e-4', { timeout: 3 * 3600_000 }, async () => {
    const refs = malariaRefs();
    let maxErr = 0;
    let disagreements = 0;
    const decisions: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < refs.length; i += BATCH) {
      const group = refs.slice(i, i + BATCH);
      const [logits] = await model.run([malariaBatch(group)]);
      group.forEach((g, k) => {
        const ours = logits.data[k];
        maxErr = Math.max(maxErr, Math.abs(ours - g.logit));
        if (ours > 0 !== g.logit > 0) disagreements++;
        decisions.push(ours > 0 ? 1 : 0);
      });
      if ((i + BATCH) % 20 === 0) console.log(`${i + BATCH} cells, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const acc = balancedAccuracy(refs.map((r) => r.label), decisions);
    const refAcc = balancedAccuracy(refs.map((r) => r.label), refs.map((r) => (r.logit > 0 ? 1 : 0)));
    console.log(
      `malaria 500 cells: max |logit error| ${maxErr.toExponential(2)}, decisions differing ${disagreements}, ` +
        `balanced accuracy ${(acc * 100).toFixed(1)} % (Keras ${(refAcc * 100).toFixed(1)} %), ${seconds.toFixed(0)} s`,
    );
    await writeCorrectness({
      group: 'malaria-500',
      title: 'malaria ResNet-style classifier (Keras 2.15 `.h5`) on every test cell, TS decode + resize',
      input: `${refs.length} cells, PNG → 224×224×3, batch ${BATCH}`,
      case: 'all cells',
      measure: 'logits',
      reference: 'real Keras on the same files',
      maxAbs: maxErr,
      bound: '≤ 1e-4, every decision equal',
      decisions: { same: refs.length - disagreements, total: refs.length },
      accuracy: { engine: acc, reference: refAcc },
      values: refs.length,
      seconds,
      kernels: await kernelsOf(model, [malariaBatch(refs.slice(0, BATCH))]),
      source: 'npm run validate:malaria',
    });
    expect(disagreements).toBe(0);
    expect(maxErr).toBeLessThanOrEqual(1e-4);
  });
});
