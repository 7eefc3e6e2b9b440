/**
 * Model files kept across visits in the Cache API (Cache Storage), so a page that loads the same
 * model URL again reads it from disk instead of the network.
 *
 * Each entry is the file's bytes under its URL, with the bytes' `sha256-…` in an `x-mi-sha256`
 * header, written only after the whole file arrived and passed any integrity check. Every read is
 * hashed again and compared (with the file's known integrity value, else with that header), so
 * neither a stale file nor on-disk damage is ever used: a failing entry is deleted and the file
 * downloaded again (model-files.ts).
 *
 * Where there is no Cache API (Node, insecure contexts, some private-browsing modes) caching is
 * simply off. Caching is best effort: a full quota or a failing write never fails a load.
 */

/** The Cache Storage cache the engine uses unless told another name. */
export const MODEL_CACHE_NAME = 'medimg-webgpu-models-v1';

/** The header holding the cached bytes' `sha256-…`. */
export const SHA256_HEADER = 'x-mi-sha256';

/** The `cache` load option: on (default), off, or on under another Cache Storage name. */
export type ModelCacheOption = boolean | { name?: string };

/** The Cache API of this context, if it has one. */
function cacheStorage(): CacheStorage | undefined {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  return typeof storage?.open === 'function' ? storage : undefined;
}

const cacheName = (option: ModelCacheOption | undefined): string =>
  (typeof option === 'object' && option.name) || MODEL_CACHE_NAME;

/** A cached file: its bytes and the `sha256-…` recorded when it was stored (undefined if none). */
export interface CachedFile {
  bytes: Uint8Array;
  recordedSha256?: string;
}

/** The model-file cache of one load. */
export interface ModelFileCache {
  read(url: string): Promise<CachedFile | undefined>;
  write(url: string, bytes: Uint8Array, sha256: string): Promise<void>;
  remove(url: string): Promise<void>;
}

/**
 * Opens the cache for a load, or undefined when caching is off (`option` false) or impossible
 * here. Opening can fail (a SecurityError in opaque origins): that too means no cache.
 */
export async function openModelCache(option: ModelCacheOption | undefined): Promise<ModelFileCache | undefined> {
  const storage = cacheStorage();
  if (option === false || !storage) return undefined;
  let cache: Cache;
  try {
    cache = await storage.open(cacheName(option));
  } catch {
    return undefined;
  }
  return {
    async read(url) {
      try {
        const hit = await cache.match(url);
        if (!hit) return undefined;
        return { bytes: new Uint8Array(await hit.arrayBuffer()), recordedSha256: hit.headers.get(SHA256_HEADER) ?? undefined };
      } catch {
        return undefined; // an unreadable entry is a miss; the download that follows overwrites it
      }
    },
    async write(url, bytes, sha256) {
      const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length), [SHA256_HEADER]: sha256 };
      try {
        await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
      } catch {
        // QuotaExceededError and the like: the model still loads, it is just not kept.
      }
    },
    async remove(url) {
      try {
        await cache.delete(url);
      } catch {
        // nothing more to do: the next read checks the entry again
      }
    },
  };
}

/**
 * Deletes every model file this engine cached (the default cache, or the one named). Resolves to
 * whether any file was deleted; false where there is no Cache API.
 */
export async function clearModelCache(options: { name?: string } = {}): Promise<boolean> {
  const storage = cacheStorage();
  const name = cacheName(options);
  if (!storage || !(await storage.has(name))) return false;
  // A load opens the cache before it has anything to put in it: an empty cache deletes no file.
  const files = (await (await storage.open(name)).keys()).length;
  await storage.delete(name);
  return files > 0;
}
