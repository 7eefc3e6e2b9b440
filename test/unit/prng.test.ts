// Checks the TypeScript PRNG (test/util/prng.ts) against values printed by its Python twin
// (scripts/keras_refs/seed_network.py -> test/fixtures/seed/prng-check.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  float32BitsSum, seededHash, seededValue, seededValues, seedNetworkInput, seedNetworkWeights, SEED_NETWORK_GAIN,
} from '../util/prng.ts';

const check = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/seed/prng-check.json', import.meta.url)), 'utf8'));

describe('seeded PRNG (TS twin of scripts/keras_refs/common.py)', () => {
  it('hash and value match the Python values bit for bit', () => {
    for (const c of check.checks) {
      c.index.forEach((i: number, n: number) => {
        expect(seededHash(i, c.seed)).toBe(c.uint32[n]);
        expect(seededValue(i, c.seed, c.scale)).toBe(c.value[n]);
      });
      const small = c.index.filter((i: number) => i < 1e6);
      if (small.length) {
        const arr = seededValues(Math.max(...small) + 1, c.seed, c.scale);
        small.forEach((i: number) => expect(arr[i]).toBe(c.value[c.index.indexOf(i)]));
      }
    }
  });

  it('seed network input matches (exact checksum)', () => {
    const x = seedNetworkInput();
    expect(x.length).toBe(2 * 224 * 224 * 3);
    expect(Array.from(x.subarray(0, 4))).toEqual(check.input.first);
    expect(float32BitsSum(x)).toBe(check.input.bitsSum);
  });

  it('seed network weights match (exact checksums)', () => {
    expect(SEED_NETWORK_GAIN).toBe(check.gain);
    const ws = seedNetworkWeights();
    expect(ws.length).toBe(8);
    for (const w of ws) {
      const key = `${w.layer}.${w.name.endsWith('kernel') ? 0 : 1}`;
      const ref = check.weights[key];
      expect(ref, key).toBeDefined();
      expect(w.seed).toBe(ref.seed);
      expect(w.shape).toEqual(ref.shape);
      expect(Array.from(w.data.subarray(0, 3))).toEqual(ref.first);
      expect(w.data[w.data.length - 1]).toBe(ref.last);
      expect(float32BitsSum(w.data), key).toBe(ref.bitsSum);
    }
  }, 60_000);
});
