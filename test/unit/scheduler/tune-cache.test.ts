import { describe, expect, it } from 'vitest';
import { memoryTuneCache, persistentTuneCache } from '../../../src/scheduler/tune-cache.ts';
import { prefixSteps } from '../../../src/scheduler/autotune.ts';

/** A Storage stand-in: a map, optionally refusing writes like a full or blocked localStorage. */
function fakeStorage(initial: Record<string, string> = {}, refuseWrites = false) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (refuseWrites) throw new DOMException('quota', 'QuotaExceededError');
      map.set(k, v);
    },
  };
}

describe('tune cache', () => {
  it('memory cache remembers', () => {
    const c = memoryTuneCache();
    expect(c.get('k')).toBeUndefined();
    c.set('k', 'vec4');
    expect(c.get('k')).toBe('vec4');
  });

  it('persistent cache writes through and a new cache on the same storage reads the choice back', () => {
    const storage = fakeStorage();
    persistentTuneCache(storage).set('adapter|conv', 'winograd');
    expect(persistentTuneCache(storage).get('adapter|conv')).toBe('winograd');
  });

  it('a corrupt stored entry or a storage that refuses writes costs only the memory of it', () => {
    const corrupt = fakeStorage({ 'medimg-webgpu:autotune:v1': '{not json' });
    const c = persistentTuneCache(corrupt);
    expect(c.get('x')).toBeUndefined();
    const full = persistentTuneCache(fakeStorage({}, true));
    full.set('x', 'gemm');
    expect(full.get('x')).toBe('gemm');
  });
});

describe('prefixSteps', () => {
  it('runs whole steps in order, the boundary step partly, and reports the share of workgroups run', () => {
    // Three chunk-like steps of 4 + 18 + 8 workgroups: half of 30 is the first whole, 11 of the second.
    const half = prefixSteps([[4, 1, 1], [18, 1, 1], [8, 1, 1]], 0.5);
    expect(half.steps).toEqual([[4, 1, 1], [11, 1, 1]]);
    expect(half.share).toBeCloseTo(15 / 30, 12);
    // A folded dispatch shrinks its outermost axis in use, rounding up to whole rows.
    expect(prefixSteps([[65535, 16, 1]], 1 / 8).steps).toEqual([[65535, 2, 1]]);
    expect(prefixSteps([[4, 4, 64]], 1 / 64).steps).toEqual([[4, 4, 1]]);
    // At least one workgroup; everything at fraction 1.
    expect(prefixSteps([[3, 1, 1]], 1 / 64)).toEqual({ steps: [[1, 1, 1]], share: 1 / 3 });
    expect(prefixSteps([[7, 5, 3], [2, 1, 1]], 1)).toEqual({ steps: [[7, 5, 3], [2, 1, 1]], share: 1 });
  });
});
