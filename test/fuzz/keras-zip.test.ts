/**
 * Fuzzing the Keras 3 `.keras` reader (src/formats/keras3-zip.ts over fflate): real .keras files
 * (the format fixtures, the tf.keras 2.15 layout, the seven layer-family fixtures, the bundled
 * malaria CNN) with bytes damaged and the zip's own fields corrupted (local header and central
 * directory sizes, name and extra lengths, offsets, methods, the end record); and re-zipped with
 * one member edited (config.json structurally, model.weights.h5 bytes and HDF5 fields) so the
 * damage reaches past the zip layer. Every case must end in a typed EngineError or a model that
 * builds, plans and runs; re-zipping unchanged (stored or deflated) must read the same.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Campaign, type CaseSpec } from './harness/campaign.ts';
import { bytesOf, parseJson } from './harness/materialize.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { ByteEdit, CaseRequest, FileRef, JsonEdit } from './harness/spec.ts';
import { byteEditsArb } from './mutate/bytes.ts';
import { h5Fields, zipFields } from './mutate/fields.ts';
import { jsonEditsArb } from './mutate/json.ts';
import { KERAS_ZIP_SEEDS } from './seeds.ts';

const campaign = new Campaign('Keras 3 .keras (zip)');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

const MEMBERS = ['config.json', 'metadata.json', 'model.weights.h5'];
/** The two biggest files cost several times a small fixture per case: they get a small share. */
const BIG = ['repo:test/fixtures/keras/activations/model.keras', 'repo:weights/malaria-cnn/model.keras'];
const seeds = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...KERAS_ZIP_SEEDS.filter((s) => !BIG.includes(s))) }, { weight: 1, arbitrary: fc.constantFrom(...BIG) });

interface BytesSpec extends CaseSpec {
  edits: ByteEdit[];
}
const bytesArb: fc.Arbitrary<BytesSpec> = seeds.chain((seed) => {
  const b = bytesOf({ path: seed });
  return byteEditsArb(b.length, zipFields(b)).map((edits) => ({ seed, edits }));
});
const whole = (file: FileRef): CaseRequest => ({ target: 'model', source: { form: 'bytes', file } });

/** A .keras re-zipped by fflate with `member` replaced by `file` (the others as they were). */
const rezipped = (seed: string, level: number, member?: string, file?: FileRef): FileRef => ({
  zip: MEMBERS.filter((m) => m !== 'metadata.json' || bytesOfEntry(seed, m)).map((name) => ({ name, file: name === member && file ? file : { path: seed, entry: name } })),
  level,
});
const bytesOfEntry = (seed: string, entry: string) => {
  try {
    return bytesOf({ path: seed, entry });
  } catch {
    return undefined;
  }
};

interface ConfigSpec extends CaseSpec {
  edits: JsonEdit[];
  level: number;
}
const configArb: fc.Arbitrary<ConfigSpec> = seeds.chain((seed) =>
  fc.record({ seed: fc.constant(seed), edits: jsonEditsArb(parseJson({ path: seed, entry: 'config.json' })), level: fc.constantFrom(0, 6) }),
);

interface WeightsSpec extends CaseSpec {
  edits: ByteEdit[];
  level: number;
}
const weightsFields = new Map<string, ReturnType<typeof h5Fields>>();
const weightsArb: fc.Arbitrary<WeightsSpec> = seeds.chain((seed) => {
  const b = bytesOf({ path: seed, entry: 'model.weights.h5' });
  if (!weightsFields.has(seed)) weightsFields.set(seed, h5Fields(b));
  return fc.record({ seed: fc.constant(seed), edits: byteEditsArb(b.length, weightsFields.get(seed)), level: fc.constantFrom(0, 6) });
});

const fingerprints = new Map<string, Promise<string>>();
function fingerprintOf(seed: string): Promise<string> {
  if (!fingerprints.has(seed)) {
    fingerprints.set(
      seed,
      campaign.sandbox.run(whole({ path: seed })).then((r) => {
        if (r.outcome !== 'valid') throw new Error(`fuzz seed ${seed} does not read: ${JSON.stringify(r)}`);
        return r.fingerprint;
      }),
    );
  }
  return fingerprints.get(seed)!;
}

describe('fuzz: .keras reader', () => {
  it(
    '.keras files with damaged bytes and zip fields (sizes, lengths, offsets, methods, end record) end in a typed error or a model that plans and runs',
    async () => {
      await campaign.property('keras zip bytes', bytesArb, (s) => whole({ base: { path: s.seed }, edits: s.edits }), { runs: runsFor(250) });
      campaign.expectNoBadEndings('keras zip bytes');
    },
    testTimeoutMs(),
  );

  it(
    '.keras files re-zipped with config.json edited structurally end in a typed error or a model that plans and runs',
    async () => {
      await campaign.property('keras config.json', configArb, (s) => whole(rezipped(s.seed, s.level, 'config.json', { json: { path: s.seed, entry: 'config.json' }, edits: s.edits })), {
        runs: runsFor(200),
      });
      campaign.expectNoBadEndings('keras config.json');
    },
    testTimeoutMs(),
  );

  it(
    '.keras files re-zipped with model.weights.h5 damaged (bytes and HDF5 fields) end in a typed error or a model that plans and runs',
    async () => {
      await campaign.property(
        'keras weights.h5',
        weightsArb,
        (s) => whole(rezipped(s.seed, s.level, 'model.weights.h5', { base: { path: s.seed, entry: 'model.weights.h5' }, edits: s.edits })),
        { runs: runsFor(200) },
      );
      campaign.expectNoBadEndings('keras weights.h5');
    },
    testTimeoutMs(),
  );

  it(
    '.keras files re-zipped unchanged (stored or deflated, config keys reordered) read exactly as the originals',
    async () => {
      const arb = fc.record({ seed: fc.constantFrom(...KERAS_ZIP_SEEDS), edits: fc.constantFrom([], [{ op: 'reverse-keys', path: [] }] as JsonEdit[]), level: fc.constantFrom(0, 9) });
      await campaign.property(
        'keras re-zipped',
        arb,
        (s) => whole(s.edits.length ? rezipped(s.seed, s.level, 'config.json', { json: { path: s.seed, entry: 'config.json' }, edits: s.edits }) : rezipped(s.seed, s.level)),
        { runs: runsFor(24), same: (s) => fingerprintOf(s.seed) },
      );
      campaign.expectNoBadEndings('keras re-zipped');
    },
    testTimeoutMs(),
  );
});
