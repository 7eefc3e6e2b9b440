/**
 * Fuzzing the HDF5 readers (src/formats/h5.ts over jsfive, keras-h5.ts, and the .keras weights
 * layout in keras3-zip.ts): real Keras .h5 files (Keras 2 full models, weights-only files in the
 * Keras 2 and the .keras layouts with their architecture JSON, the two real classifiers) with
 * bytes flipped, cut and inserted, and the fields HDF5 readers trust corrupted: superblock
 * addresses and sizes, local heap and B-tree fields, symbol-table entries, object header message
 * counts and sizes, dataspace dimensions, datatype sizes, data layout addresses, attribute sizes,
 * continuation blocks. And the architecture JSON of weights-only files edited structurally.
 * Every case must end in a typed EngineError or a model that builds, plans and runs.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Campaign, type CaseSpec } from './harness/campaign.ts';
import { bytesOf, parseJson } from './harness/materialize.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { ByteEdit, CaseRequest, JsonEdit } from './harness/spec.ts';
import { byteEditsArb } from './mutate/bytes.ts';
import { h5Fields } from './mutate/fields.ts';
import { jsonEditsArb } from './mutate/json.ts';
import { H5_BIG_SEEDS, H5_FULL_SEEDS, H5_WEIGHTS_SEEDS } from './seeds.ts';

const campaign = new Campaign('HDF5 (.h5)');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

interface BytesSpec extends CaseSpec {
  edits: ByteEdit[];
}
/** Fields are found once per seed (the big files have thousands). */
const fieldsCache = new Map<string, ReturnType<typeof h5Fields>>();
const fieldsOf = (seed: string) => fieldsCache.get(seed) ?? fieldsCache.set(seed, h5Fields(bytesOf({ path: seed }))).get(seed)!;
const editsOf = (seeds: string[]): fc.Arbitrary<BytesSpec> =>
  fc.constantFrom(...seeds).chain((seed) => byteEditsArb(bytesOf({ path: seed }).length, fieldsOf(seed)).map((edits) => ({ seed, edits })));

const whole = (s: BytesSpec): CaseRequest => ({ target: 'model', source: { form: 'bytes', file: { base: { path: s.seed }, edits: s.edits } } });

const weightsSeeds = H5_WEIGHTS_SEEDS.map((s) => s.weights);
const archOf = (weights: string) => H5_WEIGHTS_SEEDS.find((s) => s.weights === weights)!.arch;
const weightsOnly = (s: BytesSpec): CaseRequest => ({
  target: 'model',
  source: {
    form: 'files',
    files: [
      { name: 'weights.h5', file: { base: { path: s.seed }, edits: s.edits } },
      { name: 'arch.json', file: { path: archOf(s.seed) } },
    ],
  },
});

interface ArchSpec extends CaseSpec {
  edits: JsonEdit[];
}
const archArb: fc.Arbitrary<ArchSpec> = fc.constantFrom(...weightsSeeds).chain((seed) =>
  jsonEditsArb(parseJson({ path: archOf(seed) }), (p) => p.includes('config')).map((edits) => ({ seed, edits })),
);

describe('fuzz: HDF5 readers', () => {
  it(
    'Keras 2 full-model .h5 files with damaged bytes and HDF5 fields end in a typed error or a model that plans and runs',
    async () => {
      await campaign.property('h5 full model', editsOf(H5_FULL_SEEDS), whole, { runs: runsFor(250) });
      campaign.expectNoBadEndings('h5 full model');
    },
    testTimeoutMs(),
  );

  it(
    'weights-only .h5 files (Keras 2 and .keras layouts) with damaged bytes and HDF5 fields, beside their architecture, end the same way',
    async () => {
      await campaign.property('h5 weights-only', editsOf(weightsSeeds), weightsOnly, { runs: runsFor(250) });
      campaign.expectNoBadEndings('h5 weights-only');
    },
    testTimeoutMs(),
  );

  it(
    'the real malaria and pneumonia .h5 classifiers with damaged bytes and HDF5 fields end the same way',
    async () => {
      await campaign.property('h5 real models', editsOf(H5_BIG_SEEDS), whole, { runs: runsFor(6) });
      campaign.expectNoBadEndings('h5 real models');
    },
    testTimeoutMs(),
  );

  it(
    'the architecture JSON of a weights-only .h5 edited structurally ends in a typed error or a model that plans and runs',
    async () => {
      await campaign.property(
        'h5 architecture json',
        archArb,
        (s) => ({
          target: 'model',
          source: {
            form: 'files',
            files: [
              { name: 'weights.h5', file: { path: s.seed } },
              { name: 'arch.json', file: { json: { path: archOf(s.seed) }, edits: s.edits } },
            ],
          },
        }),
        { runs: runsFor(200) },
      );
      campaign.expectNoBadEndings('h5 architecture json');
    },
    testTimeoutMs(),
  );
});
