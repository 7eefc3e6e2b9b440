/**
 * Downloads with progress, for model files and their weight shards. Works with any WHATWG `fetch`
 * (browser, Node ≥ 18, or one the caller injects for tests or auth headers).
 */
import { LimitError, ModelFetchError } from '../errors.ts';
import { checkLimit, DEFAULT_LIMITS, limitError } from '../limits.ts';

/** Download progress, summed over every file of the model fetched so far. */
export interface LoadProgress {
  loadedBytes: number;
  /** Sum of the Content-Length of the files started so far; undefined when no server said. */
  totalBytes?: number;
}

/** Accumulates progress over several concurrent downloads and reports it. */
export class ProgressTracker {
  private loaded = 0;
  private total = 0;
  private anyTotal = false;
  constructor(private readonly onProgress?: (p: LoadProgress) => void) {}

  /** Registers a download's declared size (null when unknown). */
  expect(bytes: number | null): void {
    if (bytes !== null && Number.isFinite(bytes)) {
      this.total += bytes;
      this.anyTotal = true;
    }
  }

  /** Records received bytes and reports. */
  add(bytes: number): void {
    this.loaded += bytes;
    this.report();
  }

  report(): void {
    // Content-Length counts compressed bytes; never report loaded > total.
    const total = this.anyTotal ? Math.max(this.total, this.loaded) : undefined;
    this.onProgress?.({ loadedBytes: this.loaded, totalBytes: total });
  }
}

/**
 * Resolves `rel` against `base` (a model.json URL). Works for absolute URLs, page-relative URLs in
 * a browser, and plain relative paths where there is no page (Node with a custom fetch).
 */
export function resolveUrl(rel: string, base: string): string {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(rel, new URL(base, page)).href;
  } catch {
    const dir = base.slice(0, base.lastIndexOf('/') + 1);
    return dir + rel.replace(/^\.\//, '');
  }
}

/** `url` made absolute against the page when there is one; unchanged where that is impossible. */
export function absoluteUrl(url: string): string {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return new URL(url, page).href;
  } catch {
    return url;
  }
}

/** A finished download. */
export interface Download {
  bytes: Uint8Array;
  /**
   * False when fewer bytes arrived than the server's Content-Length announced for an unencoded
   * body: the file may be cut short, so it must not be cached. (With a Content-Encoding the length
   * counts compressed bytes and says nothing about the decoded size.)
   */
  complete: boolean;
}

/** How to fetch: the caller's abort signal, and the HTTP cache mode (default: the browser's). */
export interface DownloadInit {
  signal?: AbortSignal;
  cache?: RequestCache;
  /** limits.maxModelBytes: refused from Content-Length before reading, or as soon as more arrives. */
  maxBytes?: number;
}

/** Fetches `url` fully, reporting bytes as they arrive. `what` names the file in errors. */
export async function downloadBytes(
  url: string,
  fetchFn: typeof fetch,
  progress: ProgressTracker,
  what: string,
  init: DownloadInit = {},
): Promise<Download> {
  let res: Response;
  try {
    res = await fetchFn(url, init.signal || init.cache ? { signal: init.signal, cache: init.cache } : undefined);
  } catch (e) {
    throw new ModelFetchError(`Could not download ${what} from ${url}: ${(e as Error).message ?? e}`, { cause: e });
  }
  if (!res.ok) {
    throw new ModelFetchError(`Could not download ${what} from ${url}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  const len = res.headers.get('content-length');
  const declared = len === null ? null : Number(len);
  const max = init.maxBytes ?? DEFAULT_LIMITS.maxModelBytes;
  if (declared !== null && Number.isFinite(declared)) checkLimit({ maxModelBytes: max }, 'maxModelBytes', declared, `${what} (${url})`, 'bytes');
  progress.expect(declared);
  const encoding = res.headers.get('content-encoding');
  const complete = (bytes: Uint8Array): Download => ({
    bytes,
    complete: declared === null || !Number.isFinite(declared) || (!!encoding && encoding !== 'identity') || bytes.length >= declared,
  });
  try {
    if (!res.body) {
      const buf = new Uint8Array(await res.arrayBuffer());
      progress.add(buf.length);
      return complete(buf);
    }
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > max) {
        void reader.cancel();
        throw limitError('maxModelBytes', size, max, `${what} (${url}, still downloading)`, 'bytes');
      }
      progress.add(value.length);
    }
    const out = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return complete(out);
  } catch (e) {
    if (e instanceof LimitError) throw e;
    throw new ModelFetchError(`Download of ${what} from ${url} failed midway: ${(e as Error).message ?? e}`, {
      cause: e,
    });
  }
}
