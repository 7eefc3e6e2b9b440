/**
 * Fuzzing the .npy reader (src/formats/npy.ts): real .npy files with bytes flipped, cut, inserted,
 * their version and header-length fields corrupted, and their header dict rewritten (shapes that
 * are negative, fractional, huge or overflowing; dtypes it does not take; garbage). Every case must
 * end in a ModelFormatError or a tensor whose data fills its shape.
 */
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { Campaign, type CaseSpec } from './harness/campaign.ts';
import { bytesOf } from './harness/materialize.ts';
import { runsFor, testTimeoutMs } from './harness/settings.ts';
import type { ByteEdit } from './harness/spec.ts';
import { byteEditsArb } from './mutate/bytes.ts';
import { npyFields } from './mutate/fields.ts';
import { NPY_SEEDS } from './seeds.ts';

const campaign = new Campaign('npy');
afterAll(async () => {
  console.log(campaign.report());
  await campaign.sandbox.close();
});

interface NpySpec extends CaseSpec {
  edits: ByteEdit[];
}
interface HeaderSpec extends CaseSpec {
  edits: string[];
}

const bytesArb: fc.Arbitrary<NpySpec> = fc.constantFrom(...NPY_SEEDS).chain((seed) => {
  const b = bytesOf({ path: seed });
  return byteEditsArb(b.length, npyFields(b)).map((edits) => ({ seed, edits }));
});

const dim = fc.oneof(
  fc.constantFrom('0', '1', '3', '-1', '1e9', '1e400', '99999999999999999999', '2**31', '3.5', 'None', 'L', '4294967296', '9007199254740993', '0x10', ' '),
  fc.nat(4096).map(String),
);
const shape = fc.array(dim, { maxLength: 6 }).map((ds) => `(${ds.join(', ')}${ds.length === 1 ? ',' : ''})`);
const descr = fc.constantFrom('<f4', '<f8', '<f2', '|u1', '<i8', '<u8', '>f4', '|b1', '<c8', '|O', '<U3', '|V4', '<f16', 'f4', '<M8[s]', '=f4', '|f4', '');
const header = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(descr, fc.constantFrom('False', 'True', '0'), shape).map(([d, f, s]) => `{'descr': '${d}', 'fortran_order': ${f}, 'shape': ${s}, }`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom("{'descr': '<f4', 'shape': (2,), }", "{'descr': '<f4', 'fortran_order': False, }", "{'descr': ('<f4', (2,)), 'fortran_order': False, 'shape': (2,), }") },
);
const headerArb: fc.Arbitrary<HeaderSpec> = fc.record({ seed: fc.constantFrom(...NPY_SEEDS), edits: header.map((h) => [h]) });

describe('fuzz: .npy reader', () => {
  it(
    'byte and length-field mutations of real .npy files end in a typed error or a well-formed tensor',
    async () => {
      await campaign.property('npy bytes', bytesArb, (s) => ({ target: 'npy', file: { base: { path: s.seed }, edits: s.edits } }), { runs: runsFor(1000) });
      campaign.expectNoBadEndings('npy bytes');
    },
    testTimeoutMs(),
  );

  it(
    'rewritten header dicts (odd shapes and dtypes, garbage) end in a typed error or a well-formed tensor',
    async () => {
      await campaign.property('npy header', headerArb, (s) => ({ target: 'npy', file: { npy: { path: s.seed }, header: s.edits[0] ?? '' } }), { runs: runsFor(500) });
      campaign.expectNoBadEndings('npy header');
    },
    testTimeoutMs(),
  );
});
