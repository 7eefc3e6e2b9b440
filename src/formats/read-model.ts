/**
 * The one entry point from "whatever the user has" to a `KerasModel`: a URL, files from an
 * `<input type=file>`, raw bytes, or an in-memory bundle. The format is told by content (zip, HDF5
 * and JSON signatures), never by file extension, so renamed or extension-less files still load.
 *
 * No Node APIs here: this runs in browsers, workers and Node alike. Node callers with paths use
 * `node-files.ts` to turn them into `{ files }`.
 */
import type { KerasModel } from './keras-model.ts';
import { ModelFetchError, ModelFormatError } from '../errors.ts';
import { isHdf5 } from './h5.ts';
import { isZip, readKerasZip } from './keras3-zip.ts';
import { readKerasH5 } from './keras-h5.ts';
import { isTfjsModelJson, parseTfjsModelJson, readTfjsLayersModel, tfjsShardPaths } from './tfjs-layers.ts';
import { absoluteUrl, ProgressTracker, resolveUrl, type LoadProgress } from './fetch-bytes.ts';
import type { IntegrityOption } from './integrity.ts';
import type { ModelCacheOption } from './model-cache.ts';
import { modelFilesAt } from './model-files.ts';
import { describeBytes, isKerasConfigJson, looksLikeJson, parseJsonBytes } from './sniff.ts';
import { checkValueDepth } from './json.ts';
import { checkLimit, type EngineLimits } from '../limits.ts';

export type { LoadProgress } from './fetch-bytes.ts';

/** Bytes in any of the forms callers tend to have. */
export type Bytes = ArrayBuffer | Uint8Array;

/** Everything `readKerasModel` accepts. */
export type ModelSource =
  | string
  | URL
  | Blob
  | Blob[]
  | FileList
  | Bytes
  | { modelJson: unknown; weights: Bytes[] }
  | { files: Map<string, Bytes> };

export interface ReadModelOptions {
  /** Used for URL sources; defaults to `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Called as bytes arrive (URL sources). */
  onProgress?: (p: LoadProgress) => void;
  /** Architecture JSON (`model.to_json()`, string or parsed) for a weights-only `.h5`. */
  architecture?: unknown;
  /** Aborts downloads. */
  signal?: AbortSignal;
  /**
   * URL sources: keep the model's files in the Cache API so the next load of the same URL reads
   * them from disk. On by default where the Cache API exists (browsers, secure contexts); false
   * neither reads nor writes it; `{ name }` uses another cache. See model-cache.ts.
   */
  cache?: ModelCacheOption;
  /**
   * URL sources: expected `sha256-<base64>` (SRI) values, a string for the model file or a record
   * of paths relative to the model's folder (as in `integrity.json`), which wins over the
   * `integrity.json` found beside the model. A file that differs is a ModelFetchError.
   */
  integrity?: IntegrityOption;
  /**
   * The engine's limits (src/limits.ts): the size of each model file (`maxModelBytes`, checked before
   * it is read) and the nesting of its config (`maxConfigDepth`). Defaults are generous.
   */
  limits?: Partial<EngineLimits>;
}

/** Alias used by the public API (`LoadOptions extends ReadOptions`). */
export type ReadOptions = ReadModelOptions;

interface Named {
  name: string;
  bytes: Uint8Array;
}

/** How the main file's companions (tfjs shards) are found, and which other files came along. */
interface Context {
  companion(path: string): Promise<Uint8Array>;
  others: Named[];
  options: ReadModelOptions;
}

const ACCEPTED =
  'a TF.js layers model.json (with its weight shards), a Keras .h5 (Keras 2, or Keras 3 legacy), ' +
  'a Keras 3 .keras file, or a weights-only .h5 with its architecture JSON';

const toU8 = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));
const isBlob = (v: unknown): v is Blob => typeof Blob !== 'undefined' && v instanceof Blob;
const blobName = (b: Blob, i: number): string => (b as File).name || `file${i + 1}`;

/**
 * Reads a Keras model from any supported source into the format-independent `KerasModel`.
 * @throws ModelFormatError when the content is not a (complete, well-formed) Keras model.
 * @throws ModelFetchError when a file (the model, a weight shard) cannot be downloaded or is missing.
 */
export async function readKerasModel(source: ModelSource, options: ReadModelOptions = {}): Promise<KerasModel> {
  if (typeof source === 'string' || source instanceof URL) return readFromUrl(String(source), options);
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const noShards = async (p: string): Promise<Uint8Array> => {
      throw new ModelFormatError(
        `This model.json refers to weight shard "${p}", which was not given: pass the shards too, ` +
          `as { modelJson, weights: [...] } or { files: Map }`,
      );
    };
    return readMain({ name: 'the given bytes', bytes: toU8(source) }, { companion: noShards, others: [], options });
  }
  if (isBlob(source)) return readFiles([await readBlob(source, 0, options)], options);
  if (Array.isArray(source) || (typeof FileList !== 'undefined' && source instanceof FileList)) {
    const blobs = Array.from(source as ArrayLike<Blob>);
    blobs.forEach((b, i) => isBlob(b) && checkLimit(options.limits, 'maxModelBytes', b.size, `"${blobName(b, i)}"`, 'bytes'));
    const files = await Promise.all(blobs.map((b, i) => readBlob(b, i, options)));
    return readFiles(files, options);
  }
  if (typeof source === 'object' && source !== null && 'files' in source && source.files instanceof Map) {
    return readFiles([...source.files].map(([name, b]) => ({ name, bytes: toU8(b) })), options);
  }
  if (typeof source === 'object' && source !== null && 'modelJson' in source) return readJsonBundle(source, options);
  throw new ModelFormatError(`Unsupported model source (${Object.prototype.toString.call(source)}): expected ${ACCEPTED}`);
}

/** A file's bytes, its size checked against limits.maxModelBytes before they are read. */
async function readBlob(blob: Blob, index: number, options: ReadModelOptions): Promise<Named> {
  const name = blobName(blob, index);
  checkLimit(options.limits, 'maxModelBytes', blob.size, `"${name}"`, 'bytes');
  return { name, bytes: new Uint8Array(await blob.arrayBuffer()) };
}

async function readFromUrl(given: string, options: ReadModelOptions): Promise<KerasModel> {
  // Absolute (against the page, in a browser) so messages name the real address.
  const url = absoluteUrl(given);
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new ModelFetchError(`No fetch() available to download ${url}`);
  const progress = new ProgressTracker(options.onProgress);
  const files = modelFilesAt(url, { ...options, fetch: fetchFn, progress, maxBytes: options.limits?.maxModelBytes });
  const main = await files.get(url, 'the model file');
  const companion = (p: string) => files.get(resolveUrl(p, url), `weight shard "${p}"`, p);
  return readMain({ name: url, bytes: main }, { companion, others: [], options });
}

async function readJsonBundle(src: { modelJson: unknown; weights: Bytes[] }, options: ReadModelOptions) {
  const maxDepth = options.limits?.maxConfigDepth;
  const text = typeof src.modelJson === 'string' || src.modelJson instanceof Uint8Array || src.modelJson instanceof ArrayBuffer;
  const doc = text
    ? parseJsonBytes(typeof src.modelJson === 'string' ? new TextEncoder().encode(src.modelJson) : toU8(src.modelJson as Bytes), 'modelJson', false, maxDepth)
    : src.modelJson;
  if (!text) checkValueDepth(doc, 'modelJson', maxDepth);
  const json = parseTfjsModelJson(doc, 'modelJson');
  const paths = tfjsShardPaths(json);
  if (!Array.isArray(src.weights) || src.weights.length !== paths.length) {
    throw new ModelFormatError(
      `modelJson lists ${paths.length} weight shard(s) (${paths.join(', ')}) but ${src.weights?.length ?? 0} ` +
        `weight buffer(s) were given; pass one buffer per shard, in manifest order`,
    );
  }
  const shards = new Map(paths.map((p, i) => [p, toU8(src.weights[i])]));
  return readTfjsLayersModel(json, shards, 'modelJson', maxDepth);
}

/** A set of files: picks the model among them by content and finds its companions by name. */
async function readFiles(files: Named[], options: ReadModelOptions): Promise<KerasModel> {
  if (files.length === 0) throw new ModelFormatError(`No files given: expected ${ACCEPTED}`);
  const maxDepth = options.limits?.maxConfigDepth;
  const parsed = new Map<Named, unknown>();
  const json = (f: Named): unknown => {
    if (!parsed.has(f)) parsed.set(f, looksLikeJson(f.bytes) ? parseJsonBytes(f.bytes, f.name, true, maxDepth) : undefined);
    return parsed.get(f);
  };
  const tfjs = files.filter((f) => isTfjsModelJson(json(f)));
  const zips = files.filter((f) => isZip(f.bytes));
  const h5s = files.filter((f) => isHdf5(f.bytes));
  const candidates = tfjs.length > 0 ? tfjs : zips.length > 0 ? zips : h5s;
  if (candidates.length > 1) {
    throw new ModelFormatError(`Several models among the files (${candidates.map((f) => f.name).join(', ')}): give one at a time`);
  }
  const main = candidates[0];
  if (!main) {
    // A model.json that does not parse is reported as such, as when it is fetched by URL.
    const broken = files.find((f) => looksLikeJson(f.bytes) && json(f) === undefined);
    if (broken) parseJsonBytes(broken.bytes, broken.name, false, maxDepth);
    const archOnly = files.some((f) => isKerasConfigJson(json(f)));
    throw new ModelFormatError(
      archOnly
        ? `Only a model architecture JSON was given (${files.map((f) => f.name).join(', ')}): add its weights .h5`
        : `None of the files is a Keras model (${files.map((f) => `${f.name}: ${describeBytes(f.bytes)}`).join('; ')}): expected ${ACCEPTED}`,
    );
  }
  const companion = async (p: string): Promise<Uint8Array> => {
    const dir = main.name.includes('/') ? main.name.slice(0, main.name.lastIndexOf('/') + 1) : '';
    const base = p.slice(p.lastIndexOf('/') + 1);
    const hit =
      files.find((f) => f.name === p || f.name === dir + p.replace(/^\.\//, '')) ??
      files.find((f) => f.name.slice(f.name.lastIndexOf('/') + 1) === base);
    if (!hit) {
      throw new ModelFetchError(
        `Weight shard "${p}" (named in ${main.name}) is not among the given files (${files.map((f) => f.name).join(', ')})`,
      );
    }
    return hit.bytes;
  };
  return readMain(main, { companion, others: files.filter((f) => f !== main), options });
}

/** Reads the model from its main file, by content. */
async function readMain(main: Named, ctx: Context): Promise<KerasModel> {
  const { bytes, name } = main;
  const { limits } = ctx.options;
  const maxDepth = limits?.maxConfigDepth;
  if (isZip(bytes)) return readKerasZip(bytes, name, limits);
  if (isHdf5(bytes)) {
    let architecture = ctx.options.architecture;
    if (architecture === undefined) {
      const arch = ctx.others.find((f) => looksLikeJson(f.bytes) && isKerasConfigJson(parseJsonBytes(f.bytes, f.name, true, maxDepth)));
      if (arch) architecture = parseJsonBytes(arch.bytes, arch.name, false, maxDepth);
    }
    return readKerasH5(bytes, name, { architecture, maxConfigDepth: maxDepth });
  }
  if (looksLikeJson(bytes)) {
    const doc = parseJsonBytes(bytes, name, false, maxDepth);
    if (isTfjsModelJson(doc)) {
      const json = parseTfjsModelJson(doc, name);
      const paths = tfjsShardPaths(json);
      // Fetched in parallel; when several fail, report the first in manifest order, not whichever lost the race.
      const settled = await Promise.allSettled(paths.map((p) => ctx.companion(p)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const shards = settled.map((r) => (r as PromiseFulfilledResult<Uint8Array>).value);
      return readTfjsLayersModel(json, new Map(paths.map((p, i) => [p, shards[i]])), name, maxDepth);
    }
    if (isKerasConfigJson(doc)) {
      const h5 = ctx.others.find((f) => isHdf5(f.bytes));
      if (!h5) {
        throw new ModelFormatError(`"${name}" is a model architecture without weights: give its weights .h5 as well`);
      }
      return readKerasH5(h5.bytes, h5.name, { architecture: doc, maxConfigDepth: maxDepth });
    }
    throw new ModelFormatError(`"${name}" is JSON but not a Keras model (no "modelTopology" or model config): expected ${ACCEPTED}`);
  }
  throw new ModelFormatError(`"${name}" is not a Keras model (${describeBytes(bytes)}): expected ${ACCEPTED}`);
}
