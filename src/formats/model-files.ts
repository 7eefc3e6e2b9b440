/**
 * The files of a model given by URL (the main file, then its weight shards), each one from the
 * model cache when it holds a good copy, else from the network, and checked against its integrity
 * value when one is known:
 *
 *   cached copy ──hash matches the known value (else the hash recorded when it was cached)──▶ use it
 *        │ no copy, or a mismatch (the copy is deleted)
 *        ▼
 *   download ──known value and hash differs──▶ ModelFetchError (file, both hashes); nothing cached
 *        │ matches, or no value known
 *        ▼
 *   cache it (only if the whole file arrived) and use it
 *
 * Known values come from the `integrity` option, else from `integrity.json` beside the model. That
 * manifest is fetched past every HTTP cache (`no-store`) alongside the first file, so a model updated
 * on the server (new files, new manifest) replaces its cached copy on the next visit. When it cannot
 * be had (404, offline) the cache's own record still catches damaged entries.
 */
import { ModelFetchError } from '../errors.ts';
import { downloadBytes, resolveUrl, type ProgressTracker } from './fetch-bytes.ts';
import {
  expectedIntegrity,
  manifestKey,
  MANIFEST_NAME,
  parseIntegrityManifest,
  parseIntegrityOption,
  sha256Sri,
  type Expected,
  type IntegrityManifest,
  type IntegrityOption,
} from './integrity.ts';
import { openModelCache, type ModelCacheOption } from './model-cache.ts';
import { looksLikeJson, parseJsonBytes } from './sniff.ts';

export interface ModelFilesOptions {
  fetch: typeof fetch;
  progress: ProgressTracker;
  signal?: AbortSignal;
  cache?: ModelCacheOption;
  integrity?: IntegrityOption;
  /** limits.maxModelBytes of each file (default: src/limits.ts). */
  maxBytes?: number;
}

/** A model's files by URL. */
export interface ModelFiles {
  /**
   * The bytes of `url` (the model file itself, or a file it names); `what` names it in errors.
   * `key` is its path relative to the model's folder, as the manifest lists it (a shard's path as
   * model.json writes it); by default worked out from the URLs.
   */
  get(url: string, what: string, key?: string): Promise<Uint8Array>;
}

type Manifest = { url: string; files: IntegrityManifest } | undefined;

/** The files of the model at `modelUrl` (an absolute URL where there is a page). */
export function modelFilesAt(modelUrl: string, options: ModelFilesOptions): ModelFiles {
  const { fetch: fetchFn, progress, signal } = options;
  const option = parseIntegrityOption(options.integrity);
  const manifest = fetchManifest(resolveUrl(MANIFEST_NAME, modelUrl), fetchFn, signal);
  // A malformed manifest is reported by the first file that needs it; a load that fails before
  // any does (a 404 on model.json) must not leave this rejection unhandled.
  manifest.catch(() => {});
  const cache = openModelCache(options.cache);
  const expectation = async (url: string, key: string): Promise<Expected | undefined> =>
    expectedIntegrity(manifestKey(key), url === modelUrl, option, await manifest);

  return {
    async get(url, what, key = pathInFolder(modelUrl, url)) {
      const store = await cache;
      const cached = await store?.read(url);
      if (cached) {
        const expected = await expectation(url, key);
        const actual = await sha256Sri(cached.bytes);
        if (actual === (expected?.sri ?? cached.recordedSha256)) {
          progress.expect(cached.bytes.length);
          progress.add(cached.bytes.length);
          return cached.bytes;
        }
        await store!.remove(url); // stale or damaged: never used, never kept
      }
      // After a bad cached copy, revalidate with the server: the HTTP cache may hold the same stale file.
      const download = await downloadBytes(url, fetchFn, progress, what, {
        signal,
        cache: cached ? 'no-cache' : undefined,
        maxBytes: options.maxBytes,
      });
      const expected = await expectation(url, key);
      if (!expected && !store) return download.bytes; // nothing to check against, nowhere to keep it
      const actual = await sha256Sri(download.bytes);
      if (expected && actual !== expected.sri) {
        throw new ModelFetchError(
          `${capitalize(what)} (${url}) failed its integrity check: expected ${expected.sri} (from ${expected.from}), ` +
            `got ${actual}. The download is damaged or the file changed on the server; it was not used or cached.`,
        );
      }
      // A short body is never kept, unless its hash proves it whole (a compressed body's
      // Content-Length can exceed the decoded size where the encoding header is hidden by CORS).
      if (store && (download.complete || expected)) await store.write(url, download.bytes, actual);
      return download.bytes;
    },
  };
}

/**
 * `integrity.json` beside the model, or undefined when there is none: a 404, any other failure to
 * fetch it (offline: the cached files are still checked against their own records), or a page that
 * is not JSON (servers that answer every unknown path with their index.html).
 * @throws ModelFormatError when it is JSON but not a valid manifest.
 */
async function fetchManifest(url: string, fetchFn: typeof fetch, signal?: AbortSignal): Promise<Manifest> {
  let bytes: Uint8Array;
  try {
    const res = await fetchFn(url, { signal, cache: 'no-store' });
    if (!res.ok) return undefined;
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch {
    return undefined;
  }
  if (!looksLikeJson(bytes)) return undefined;
  return { url, files: parseIntegrityManifest(parseJsonBytes(bytes, url), url) };
}

/** `fileUrl`'s path relative to the folder of `modelUrl` (its last segment when it lies elsewhere). */
export function pathInFolder(modelUrl: string, fileUrl: string): string {
  const bare = (u: string) => u.replace(/[?#].*$/, '');
  const file = bare(fileUrl);
  const dir = bare(modelUrl).slice(0, bare(modelUrl).lastIndexOf('/') + 1);
  return file.startsWith(dir) ? file.slice(dir.length) : file.slice(file.lastIndexOf('/') + 1);
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
