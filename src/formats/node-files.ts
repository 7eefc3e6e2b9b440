/**
 * Node only: reads model files from disk into the `{ files }` source `readKerasModel` accepts.
 * Kept apart from the readers (which must also run in browsers) so only Node code imports `fs`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ModelFormatError } from '../errors.ts';
import { fileURLToPath } from 'node:url';
import { checkLimit, type EngineLimits } from '../limits.ts';
import { sidecarNames } from './model-metadata.ts';

/**
 * Collects files for `readKerasModel({ files })`. Each path may be a file (a `.keras`, `.h5`,
 * `model.json`, an architecture `.json`, a shard) or a directory (all its files, not recursive).
 * For a TF.js `model.json`, the shards its manifest names are added from beside it.
 * Paths may be `file:` URLs. Keys are file names (shards keep their manifest names). A last
 * argument `{ limits }` sets limits.maxModelBytes, checked on each file's size before it is read.
 */
export async function readModelFiles(...args: (string | { limits?: Partial<EngineLimits> })[]): Promise<{ files: Map<string, Uint8Array> }> {
  const files = new Map<string, Uint8Array>();
  const last = args[args.length - 1];
  const limits = typeof last === 'object' ? last.limits : undefined;
  const read = async (path: string): Promise<Uint8Array> => {
    checkLimit(limits, 'maxModelBytes', (await stat(path)).size, `"${path}"`, 'bytes');
    return readFile(path);
  };
  for (const arg of args) {
    if (typeof arg !== 'string') continue;
    const p = arg.startsWith('file:') ? fileURLToPath(arg) : arg;
    if ((await stat(p)).isDirectory()) {
      for (const e of await readdir(p, { withFileTypes: true })) {
        if (e.isFile()) files.set(e.name, await read(join(p, e.name)));
      }
      continue;
    }
    const bytes = await read(p);
    files.set(basename(p), bytes);
    for (const shard of manifestPaths(bytes)) {
      if (!files.has(shard)) files.set(shard, await read(insideFolder(dirname(p), shard, p)));
    }
  }
  return { files };
}

/**
 * The metadata files beside a model file that may describe it (`<stem>.metadata.json`, then
 * `metadata.json`; see model-metadata.ts), those that exist, by name: add them to the `{ files }`
 * source and loadModel picks the right one.
 */
export async function readMetadataBeside(modelPath: string): Promise<Map<string, Uint8Array>> {
  const p = modelPath.startsWith('file:') ? fileURLToPath(modelPath) : modelPath;
  const found = new Map<string, Uint8Array>();
  for (const name of sidecarNames(basename(p))) {
    try {
      found.set(name, await readFile(join(dirname(p), name)));
    } catch {
      // none there: metadata is optional
    }
  }
  return found;
}

/** Shard paths named by a TF.js model.json, or [] for anything else. */
function manifestPaths(bytes: Uint8Array): string[] {
  if (bytes[0] !== 0x7b && bytes[0] !== 0x20 && bytes[0] !== 0x0a) return [];
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes));
    const groups = Array.isArray(doc?.weightsManifest) ? doc.weightsManifest : [];
    return groups.flatMap((g: { paths?: unknown }) => (Array.isArray(g.paths) ? g.paths.map(String) : []));
  } catch {
    return [];
  }
}

/**
 * The shard's path, refused when the manifest points outside the model's folder (`../../x`, an
 * absolute path): reading from disk, the engine reads only what it was given, as the CLI's page
 * server serves only the model's folder.
 */
function insideFolder(folder: string, shard: string, model: string): string {
  const path = resolve(folder, shard);
  const rel = relative(resolve(folder), path);
  if (isAbsolute(shard) || rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new ModelFormatError(`${model} names weight shard "${shard}" outside its own folder; shards must sit in or below the model's folder`);
  }
  return path;
}
