/**
 * Where autotuning choices are remembered, so the second load of a model on the same adapter skips
 * the measuring. Keys already name the adapter, the engine's tuning version, the op, its shapes and
 * its candidates (autotune.ts); values are the chosen candidate's label.
 *
 * The default store is this page's memory, backed by localStorage when the page has it: local to
 * the browser profile, never sent anywhere (the engine makes no request but for model files).
 * localStorage can throw (sandboxed iframes, storage disabled, quota): the cache then lives in
 * memory only, which is still right, just slower on the next page load.
 */
export interface TuneCache {
  get(key: string): string | undefined;
  set(key: string, choice: string): void;
}

const STORAGE_KEY = 'medimg-webgpu:autotune:v1';

/** A cache in memory only (tests, or Node without a file store). */
export function memoryTuneCache(): TuneCache {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

function pageStorage(): StorageLike | undefined {
  try {
    const s = (globalThis as { localStorage?: StorageLike }).localStorage;
    return s && typeof s.getItem === 'function' ? s : undefined;
  } catch {
    return undefined; // reading the property itself throws where storage is blocked
  }
}

/** Memory, loaded from and written through to `storage` (localStorage by default) when there is one. */
export function persistentTuneCache(storage: StorageLike | undefined = pageStorage()): TuneCache {
  const map = new Map<string, string>();
  try {
    const saved = storage?.getItem(STORAGE_KEY);
    if (saved) for (const [k, v] of Object.entries(JSON.parse(saved) as Record<string, unknown>)) if (typeof v === 'string') map.set(k, v);
  } catch {
    // A corrupt or unreadable entry only costs a re-measure.
  }
  return {
    get: (k) => map.get(k),
    set(k, v) {
      map.set(k, v);
      try {
        storage?.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(map)));
      } catch {
        // Quota or blocked storage: keep the choice in memory.
      }
    },
  };
}

let shared: TuneCache | undefined;

/** The cache every model of this page (or process) shares unless LoadOptions.autotune.cache says otherwise. */
export function defaultTuneCache(): TuneCache {
  return (shared ??= persistentTuneCache());
}
