/**
 * `mi integrity MODEL [--check]`: writes (or checks) the `integrity.json` beside a model, the file
 * by which loads verify every download and cached copy (src/formats/model-files.ts). The hashes are
 * made by the same code the loader checks with (formats/integrity.ts), so the two cannot disagree.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { isHdf5 } from '../../formats/h5.ts';
import { manifestKey, MANIFEST_NAME, parseIntegrityManifest, sha256Sri } from '../../formats/integrity.ts';
import { isZip } from '../../formats/keras3-zip.ts';
import { looksLikeJson, parseJsonBytes } from '../../formats/sniff.ts';
import { isTfjsModelJson, parseTfjsModelJson, tfjsShardPaths } from '../../formats/tfjs-layers.ts';
import { CliError, UsageError, type CommandIO } from './cli-error.ts';

export const INTEGRITY_HELP = `Usage: mi integrity MODEL [--check]

Writes ${MANIFEST_NAME} beside a model: the SHA-256 of each of its files as "sha256-<base64>" (the
Subresource Integrity format). loadModel and <mi-classifier> find it beside a model URL and check
every file they download or take from their cache against it. MODEL is a TF.js model.json (its
weight shards are covered too), a folder holding one, or a single Keras .h5 or .keras file.
Entries for other files already in ${MANIFEST_NAME} are kept. Publish it with the model, and run
this again whenever a file of the model changes.

  --check    compare the files with the existing ${MANIFEST_NAME} instead of writing it;
             exit status 1 when a file differs or is not listed
`;

export const INTEGRITY_OPTIONS = {
  check: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export interface IntegrityValues {
  check?: boolean;
}

/** One file of a model: its key in the manifest (a path relative to the model's folder) and hash. */
export interface HashedFile {
  file: string;
  sri: string;
}

/** The model file's path (a folder means its model.json). */
function modelPath(given: string): string {
  let path = resolve(given);
  if (!existsSync(path)) throw new CliError(`model file not found: ${given}`);
  if (statSync(path).isDirectory()) path = join(path, 'model.json');
  if (!existsSync(path)) throw new CliError(`no model.json in the folder ${given}: give the model file`);
  return path;
}

/** The files making up the model at `path`, relative to its folder: a model.json and its shards, or the one file. */
async function modelFiles(path: string): Promise<string[]> {
  const bytes = new Uint8Array(await readFile(path));
  const name = basename(path);
  if (isZip(bytes) || isHdf5(bytes)) return [name];
  const doc = looksLikeJson(bytes) ? parseJsonBytes(bytes, path) : undefined;
  if (doc !== undefined && isTfjsModelJson(doc)) return [name, ...tfjsShardPaths(parseTfjsModelJson(doc, path)).map(manifestKey)];
  throw new CliError(`${path} is not a TF.js model.json, a Keras .h5 or a .keras file`);
}

/** Hashes every file of the model at `given` (a model file or a folder with a model.json). */
export async function hashModelFiles(given: string): Promise<{ dir: string; files: HashedFile[] }> {
  const path = modelPath(given);
  const dir = dirname(path);
  const names = await modelFiles(path);
  const files = await Promise.all(
    names.map(async (file) => {
      const abs = join(dir, file);
      if (!existsSync(abs)) throw new CliError(`${file}, a weight shard named in ${basename(path)}, is missing from ${dir}`);
      return { file, sri: await sha256Sri(new Uint8Array(await readFile(abs))) };
    }),
  );
  return { dir, files };
}

/** The manifest already in `dir`, as an insertion-ordered record (empty when there is none). */
async function existingManifest(dir: string): Promise<Map<string, string>> {
  const path = join(dir, MANIFEST_NAME);
  if (!existsSync(path)) return new Map();
  const bytes = new Uint8Array(await readFile(path));
  return new Map(parseIntegrityManifest(parseJsonBytes(bytes, path), path));
}

/**
 * Writes `integrity.json` beside the model at `given`, keeping the entries of files that are not
 * the model's. Resolves to the manifest's path and the model's entries.
 */
export async function writeIntegrityManifest(given: string): Promise<{ path: string; files: HashedFile[] }> {
  const { dir, files } = await hashModelFiles(given);
  const manifest = await existingManifest(dir);
  for (const { file, sri } of files) manifest.set(file, sri);
  const path = join(dir, MANIFEST_NAME);
  await writeFile(path, JSON.stringify(Object.fromEntries(manifest), null, 2) + '\n');
  return { path, files };
}

export async function integrityCommand(values: IntegrityValues, positionals: string[], io: CommandIO): Promise<number> {
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `one MODEL expected, got ${positionals.join(' ')}` : 'no MODEL given');
  if (!values.check) {
    const { path, files } = await writeIntegrityManifest(positionals[0]);
    for (const { file, sri } of files) io.stdout(`${sri}  ${file}`);
    io.stdout(`wrote ${path}`);
    return 0;
  }
  const { dir, files } = await hashModelFiles(positionals[0]);
  const listed = await existingManifest(dir);
  if (listed.size === 0) throw new CliError(`no ${MANIFEST_NAME} in ${dir}: run mi integrity without --check to write it`);
  let bad = 0;
  for (const { file, sri } of files) {
    const expected = listed.get(file);
    if (expected === sri) io.stdout(`ok  ${file}`);
    else {
      bad++;
      io.stdout(expected ? `DIFFERS  ${file}: ${MANIFEST_NAME} has ${expected}, the file is ${sri}` : `NOT LISTED  ${file} (${sri})`);
    }
  }
  if (bad) io.stderr(`${bad} of ${files.length} file(s) do not match ${join(dir, MANIFEST_NAME)}`);
  return bad ? 1 : 0;
}
