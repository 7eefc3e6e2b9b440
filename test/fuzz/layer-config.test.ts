/**
 * Fuzzing layer configs: for every Keras layer class the engine imports (src/ops/registry.ts), a
 * one-layer model (and a few pairs the graph passes fuse) whose attributes are set at and beyond
 * their limits: 0, negative, huge, fractional, NaN and ±Infinity, the wrong type, missing, tuples
 * of the wrong length, nested where flat is expected; and whose declared input shape is damaged
 * likewise. Weights are made to fit whatever sane sizes the config asks for, so the edit reaches
 * the op's importer and shape rule. Through the public reading path, as `{ modelJson, weights }`
 * (an object, so NaN arrives as a number): readKerasModel → buildGraph → passes → planLayout →
 * CPU reference. Every case must end in a typed EngineError or a graph whose every shape, dispatch
 * size and kernel parameter is finite and whose optimised form computes what the plain one does.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { KERAS_LAYERS } from '../../src/ops/registry.ts';
import { Campaign } from './harness/campaign.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { Marked } from './harness/spec.ts';
import { WEIRD_VALUES } from './mutate/json.ts';
import { EXTRA_KEYS, LAYER_SEEDS, type LayerSeed } from './layers/catalog.ts';
import { request, type AttrEdit, type ConfigSpec } from './layers/request.ts';

const campaign = new Campaign('layer configs (graph import + shapes)');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

const NaN_ = { $: 'NaN' };
const INF = { $: 'Infinity' };
const NUMBERS: Marked[] = [0, -1, 1, 2, 3, 4, 7, 64, 1.5, 0.5, -0.5, 1e9, 2 ** 31, 2 ** 53, -(2 ** 31), 1e-30, 1e38, 3.5e38, -0, NaN_, INF, { $: '-Infinity' }];
const TUPLES: Marked[] = [
  [0, 0], [-1, -1], [1e9, 1e9], [2 ** 31, 2 ** 31], [NaN_, 1], [INF, 1], [1], [1, 1, 1], [0, 0, 0], [2.5, 2], ['2', '2'], [null, null],
  [5, 5], [7, 7], [2, 2], [3, 1], [1, 3], [2, 2, 2], [3, 3, 3], [1, 1, 1, 1],
  [[1, 1], [1, 1]], [[0, 0], [0, 0]], [[-1, -1], [1, 1]], [[1e9, 1e9], [1, 1]], [[3, 3], [3, 3]], [[1], [1]], [[1, 1]], [[1, 1], [1, 1], [1, 1]], [[9, 9], [9, 9], [9, 9]],
  [0, 1, 2], [3, 2, 1], [1, 1, 2], [2, 3, 4], [1, 2], [-1, 1, 2], [0, 1, 2, 3], [1, 2, 3, 4],
];
const WORDS: Marked[] = [
  'same', 'valid', 'causal', 'full', 'SAME', 'channels_first', 'channels_last', 'bilinear', 'nearest', 'bicubic', 'area', 'lanczos3',
  'mitchellcubic', 'gaussian', 'relu', 'softmax', 'linear', 'hard_sigmoid', 'gelu', 'swish', 'selu', 'exponential', 'log_softmax', 'relu6', 'x',
  '__proto__', 'constructor', 'hasOwnProperty',
];
const value: fc.Arbitrary<Marked> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...TUPLES) },
  { weight: 2, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 2, arbitrary: fc.constantFrom(...WEIRD_VALUES) },
);
/** Declared input shapes (batch first) at and beyond the limits. */
const inputShape = (seed: LayerSeed): fc.Arbitrary<Marked> => {
  const s = seed.inputs[0];
  const d = fc.constantFrom<Marked>(null, 0, -1, 1, 2, 1e9, 2 ** 31, 1.5, NaN_, INF, '6');
  return fc.oneof(
    fc.tuple(fc.nat(s.length), d).map(([k, v]) => [null, ...s].map((x, i) => (i === k ? v : x))),
    fc.constantFrom<Marked>([null, ...s.slice(0, -1)], [null, ...s, 1], [7, ...s], [null, ...s.map(() => null)], [null, ...s.map(() => 1)], [null, ...s.slice(0, -1), 0], s, []),
  );
};

const seedNames = Object.keys(LAYER_SEEDS);
const specArb: fc.Arbitrary<ConfigSpec> = fc.constantFrom(...seedNames).chain((seed) => {
  const ls = LAYER_SEEDS[seed];
  const edit: fc.Arbitrary<AttrEdit> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.nat(ls.layers.length - 1).chain((layer) =>
        fc.record<AttrEdit>({ layer: fc.constant(layer), key: fc.constantFrom(...Object.keys(ls.layers[layer].config), ...EXTRA_KEYS), value }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.nat(ls.layers.length - 1).chain((layer): fc.Arbitrary<AttrEdit> => {
        const keys = Object.keys(ls.layers[layer].config);
        return keys.length ? fc.record({ layer: fc.constant(layer), key: fc.constantFrom(...keys), remove: fc.constant(true as const) }) : fc.record<AttrEdit>({ layer: fc.constant(layer), key: fc.constant('name'), value });
      }),
    },
    { weight: 1, arbitrary: fc.record<AttrEdit>({ layer: fc.constant(-1), key: fc.constant('batch_input_shape'), value: inputShape(ls) }) },
  );
  return fc.record({ seed: fc.constant(seed), edits: fc.array(edit, { minLength: 1, maxLength: 3 }), keras: fc.constantFrom('2.15.0' as const, '3.5.0' as const) });
});

describe('fuzz: layer configs', () => {
  it('has a seed for every layer class the registry imports', () => {
    const seeded = new Set(Object.values(LAYER_SEEDS).flatMap((s) => s.layers.map((l) => l.className)));
    expect(Object.keys(KERAS_LAYERS).filter((c) => !seeded.has(c))).toEqual([]);
  });

  it(
    'every seed reads, plans and runs unedited (so edits, not the seeds, make the errors)',
    async () => {
      for (const seed of seedNames) {
        const r = await campaign.sandbox.run(request({ seed, edits: [], keras: '3.5.0' }));
        expect(r.outcome, `${seed}: ${JSON.stringify(r)}`).toBe('valid');
      }
    },
    testTimeoutMs(),
  );

  it(
    'attributes at and beyond their limits end in a typed error or a graph with finite shapes that plans and runs',
    async () => {
      await campaign.property('layer attributes', specArb, request, { runs: runsFor(2500) });
      campaign.expectNoBadEndings('layer attributes');
    },
    testTimeoutMs(),
  );
});
