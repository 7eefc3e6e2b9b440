/**
 * Fuzzing the TF.js layers reader (src/formats/tfjs-layers.ts via readKerasModel): real model.json
 * files and shards (float32, float16- and uint8-quantized test models; the bundled malaria CNN;
 * two MeshNets) with model.json edited structurally (keys dropped, wrong types, huge and non-finite
 * numbers, deep nesting, models nested in themselves, duplicated layers), its bytes damaged, and its
 * shards damaged or cut. Through files (as text) and through `{ modelJson, weights }` (as an object,
 * so NaN and Infinity arrive as numbers). Every case must end in a typed EngineError or a model that
 * builds, plans and (when small) runs on the CPU reference; a reformatted model.json must read the same.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Campaign, type CaseSpec } from './harness/campaign.ts';
import { bytesOf, parseJson } from './harness/materialize.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { ByteEdit, CaseRequest, FileRef, JsonEdit, JsonPath } from './harness/spec.ts';
import { byteEditsArb } from './mutate/bytes.ts';
import { jsonEditsArb } from './mutate/json.ts';
import { TFJS_SEEDS } from './seeds.ts';

const campaign = new Campaign('tfjs layers (model.json + shards)');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

const seedOf = (dir: string) => TFJS_SEEDS.find((s) => s.dir === dir)!;
/** The big real models get a quarter of the cases: each costs ten times a small one. */
const dirs = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...TFJS_SEEDS.slice(0, 6).map((s) => s.dir)) }, { weight: 1, arbitrary: fc.constantFrom(...TFJS_SEEDS.slice(6).map((s) => s.dir)) });

function files(dir: string, modelJson: FileRef, shard?: { index: number; edits: ByteEdit[] }): CaseRequest {
  const seed = seedOf(dir);
  return {
    target: 'model',
    source: {
      form: 'files',
      files: [
        { name: 'model.json', file: modelJson },
        ...seed.shards.map((name, i) => ({ name, file: shard?.index === i ? { base: { path: `${dir}/${name}` }, edits: shard.edits } : { path: `${dir}/${name}` } })),
      ],
    },
  };
}

interface JsonSpec extends CaseSpec {
  edits: JsonEdit[];
}
/** Manifest entries and layer configs are where readers make decisions: favour them. */
const decisive = (p: JsonPath) => p.includes('weightsManifest') || p.includes('config');
const jsonArb: fc.Arbitrary<JsonSpec> = dirs.chain((seed) =>
  jsonEditsArb(parseJson({ path: `${seed}/model.json` }), decisive).map((edits) => ({ seed, edits })),
);

interface BytesSpec extends CaseSpec {
  /** -1: model.json; else the shard's index. */
  file: number;
  edits: ByteEdit[];
}
const bytesArb: fc.Arbitrary<BytesSpec> = dirs.chain((seed) =>
  fc.integer({ min: -1, max: seedOf(seed).shards.length - 1 }).chain((file) => {
    const b = bytesOf({ path: file < 0 ? `${seed}/model.json` : `${seed}/${seedOf(seed).shards[file]}` });
    return byteEditsArb(b.length).map((edits) => ({ seed, file, edits }));
  }),
);

const fingerprints = new Map<string, Promise<string>>();
function fingerprintOf(dir: string): Promise<string> {
  let f = fingerprints.get(dir);
  if (!f) {
    f = campaign.sandbox.run(files(dir, { path: `${dir}/model.json` })).then((r) => {
      if (r.outcome !== 'valid') throw new Error(`fuzz seed ${dir} does not read: ${JSON.stringify(r)}`);
      return r.fingerprint;
    });
    fingerprints.set(dir, f);
  }
  return f;
}

describe('fuzz: TF.js layers reader', () => {
  it(
    'model.json edited structurally, read from files as text, ends in a typed error or a model that plans and runs',
    async () => {
      await campaign.property('tfjs json text', jsonArb, (s) => files(s.seed, { json: { path: `${s.seed}/model.json` }, edits: s.edits }), { runs: runsFor(350) });
      campaign.expectNoBadEndings('tfjs json text');
    },
    testTimeoutMs(),
  );

  it(
    'model.json edited structurally, given as an object (NaN and Infinity as numbers), ends in a typed error or a model that plans and runs',
    async () => {
      await campaign.property(
        'tfjs json object',
        jsonArb,
        (s) => ({
          target: 'model',
          source: { form: 'bundle', modelJson: { json: { path: `${s.seed}/model.json` }, edits: s.edits }, weights: seedOf(s.seed).shards.map((n) => ({ path: `${s.seed}/${n}` })) },
        }),
        { runs: runsFor(350) },
      );
      campaign.expectNoBadEndings('tfjs json object');
    },
    testTimeoutMs(),
  );

  it(
    'model.json bytes and shard bytes damaged (flips, cuts, inserts) end in a typed error or a model that plans and runs',
    async () => {
      await campaign.property(
        'tfjs bytes',
        bytesArb,
        (s) => (s.file < 0 ? files(s.seed, { base: { path: `${s.seed}/model.json` }, edits: s.edits }) : files(s.seed, { path: `${s.seed}/model.json` }, { index: s.file, edits: s.edits })),
        { runs: runsFor(350) },
      );
      campaign.expectNoBadEndings('tfjs bytes');
    },
    testTimeoutMs(),
  );

  it(
    'model.json reformatted (whitespace, key order) reads exactly as the original',
    async () => {
      const arb = fc.record({ seed: fc.constantFrom(...TFJS_SEEDS.map((s) => s.dir)), edits: fc.constantFrom([], [{ op: 'reverse-keys', path: [] }] as JsonEdit[]) });
      await campaign.property('tfjs reformatted', arb, (s) => files(s.seed, { json: { path: `${s.seed}/model.json` }, edits: s.edits }), {
        runs: runsFor(16),
        same: (s) => fingerprintOf(s.seed),
      });
      campaign.expectNoBadEndings('tfjs reformatted');
    },
    testTimeoutMs(),
  );
});
