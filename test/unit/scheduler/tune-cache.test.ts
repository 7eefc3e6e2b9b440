import { describe, expect, it } from 'vitest';
import { memoryTuneCache, persistentTuneCache } from '../../../src/scheduler/tune-cache.ts';
import { prefixDispatch } from '../../../src/scheduler/autotune.ts';

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

describe('prefixDispatch', () => {
  it('shrinks the outermost axis in use, keeps at least one workgroup, and the whole dispatch at fraction 1', () => {
    expect(prefixDispatch([1000, 1, 1], 1 / 8)).toEqual([125, 1, 1]);
    expect(prefixDispatch([65535, 16, 1], 1 / 8)).toEqual([65535, 2, 1]);
    expect(prefixDispatch([4, 4, 64], 1 / 64)).toEqual([4, 4, 1]);
    expect(prefixDispatch([3, 1, 1], 1 / 64)).toEqual([1, 1, 1]);
    expect(prefixDispatch([7, 5, 3], 1)).toEqual([7, 5, 3]);
  });
});
