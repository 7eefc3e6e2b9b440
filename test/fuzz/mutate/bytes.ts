/**
 * fast-check arbitraries of byte edits for one seed: random flips, sets, inserts, deletes,
 * truncations and copies (positions biased toward the header, where readers make decisions), and
 * "field" edits that put interesting values (0, 1, ±1, ×2, all ones, 2^31, past the end) into the
 * format's length and size fields.
 */
import fc from 'fast-check';
import type { ByteEdit } from '../harness/spec.ts';
import type { Field } from './fields.ts';

/** Values that break length fields: zero, one, off by one, doubled, halved, max, sign bit, past EOF. */
function interesting(f: Field, fileLength: number): bigint[] {
  const max = (1n << BigInt(8 * f.width)) - 1n;
  const v = f.value;
  return [0n, 1n, v - 1n, v + 1n, v * 2n, v / 2n, max, max - 1n, max >> 1n, (max >> 1n) + 1n, v + BigInt(fileLength), v + 0x10000n, 0xffffn, 0x7fffffffn].map(
    (x) => (x < 0n ? x + max + 1n : x) & max,
  );
}

export function fieldEditArb(fields: readonly Field[], fileLength: number): fc.Arbitrary<ByteEdit> {
  return fc.nat(fields.length - 1).chain((i) => {
    const f = fields[i];
    const max = (1n << BigInt(8 * f.width)) - 1n;
    return fc
      .oneof({ weight: 4, arbitrary: fc.constantFrom(...interesting(f, fileLength)) }, { weight: 1, arbitrary: fc.bigInt(0n, max) })
      .map((value): ByteEdit => ({ op: 'int', at: f.at, width: f.width, le: f.le, value: value.toString(), field: f.name }));
  });
}

const someBytes: fc.Arbitrary<number[]> = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
  fc.constantFrom<number[]>([0], [0xff], [0x00, 0x00, 0x00, 0x00], [0xff, 0xff, 0xff, 0xff], [0x7f, 0xff, 0xff, 0xff], [0x80]),
);

/** Random edits anywhere (half of the positions within the first 512 bytes). */
export function randomEditArb(length: number): fc.Arbitrary<ByteEdit> {
  const n = Math.max(1, length);
  const pos = fc.oneof(fc.nat(Math.min(n, 512) - 1), fc.nat(n - 1));
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: pos, mask: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), at: pos, bytes: someBytes }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('int' as const),
        at: pos,
        width: fc.constantFrom(2 as const, 4 as const, 8 as const),
        le: fc.boolean(),
        value: fc.constantFrom('0', '1', '255', '65535', '2147483647', '2147483648', '4294967295', '18446744073709551615'),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: pos }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), at: pos, bytes: someBytes }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('copy' as const), from: pos, to: pos, len: fc.integer({ min: 1, max: 256 }) }) },
  );
}

/** 1–3 edits, field edits (when the format has fields) about as often as random ones. */
export function byteEditsArb(length: number, fields: readonly Field[] = []): fc.Arbitrary<ByteEdit[]> {
  const one = fields.length > 0 ? fc.oneof(fieldEditArb(fields, length), randomEditArb(length)) : randomEditArb(length);
  return fc.array(one, { minLength: 1, maxLength: 3 });
}
