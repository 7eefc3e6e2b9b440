/**
 * Integrity values for model files, in the Subresource Integrity format (`sha256-<base64>`, what
 * `<script integrity>` takes and `openssl dgst -sha256 -binary F | base64` prints), and the
 * `integrity.json` manifest that lists one per file of a model folder:
 *
 *   { "model.json": "sha256-…", "group1-shard1of1.bin": "sha256-…" }
 *
 * Keys are paths relative to the model's folder. Only SHA-256 is accepted: one algorithm keeps the
 * manifest, the cache's own record (model-cache.ts) and `mi integrity` in agreement.
 * Hashing uses WebCrypto (`crypto.subtle`), present in browsers' secure contexts and in Node.
 */
import { ModelFetchError, ModelFormatError } from '../errors.ts';

/** The manifest's file name, looked for beside a model URL. */
export const MANIFEST_NAME = 'integrity.json';

const SHA256_BYTES = 32;
const SRI = /^sha256-([A-Za-z0-9+/]+={0,2})$/;

/** Files of a model folder → their expected `sha256-…` values. */
export type IntegrityManifest = ReadonlyMap<string, string>;

/** The `integrity` load option: a value for the main file, or values by file (as in integrity.json). */
export type IntegrityOption = string | Readonly<Record<string, string>>;

/**
 * The 32-byte digest in a `sha256-<base64>` value, or undefined when `value` is not one (another
 * algorithm, bad base64, wrong length, SRI options or several values).
 */
export function parseSri(value: string): Uint8Array | undefined {
  const m = SRI.exec(value.trim());
  if (!m) return undefined;
  let binary: string;
  try {
    binary = atob(m[1]);
  } catch {
    return undefined;
  }
  if (binary.length !== SHA256_BYTES) return undefined;
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** `sha256-<base64>` of a 32-byte digest. */
export function formatSri(digest: Uint8Array): string {
  return `sha256-${btoa(String.fromCharCode(...digest))}`;
}

/** `value` as written by formatSri (canonical padding), or undefined when it is not a sha256 SRI value. */
export function normalizeSri(value: string): string | undefined {
  const digest = parseSri(value);
  return digest && formatSri(digest);
}

/** The `sha256-<base64>` of `bytes`. */
export async function sha256Sri(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    // Only secure contexts (https, localhost) have WebCrypto; neither WebGPU nor the Cache API works elsewhere.
    throw new ModelFetchError('Cannot check model file integrity: crypto.subtle is unavailable (not a secure context)');
  }
  return formatSri(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** A manifest key: a relative path without a leading "./". */
export const manifestKey = (path: string): string => path.replace(/^(\.\/)+/, '');

/**
 * Reads an integrity manifest (`integrity.json` parsed, or the record form of the `integrity`
 * option). `where` names it in errors.
 * @throws ModelFormatError when it is not an object of `"file": "sha256-…"` entries.
 */
export function parseIntegrityManifest(doc: unknown, where: string): IntegrityManifest {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ModelFormatError(`${where} must be an object of "file": "sha256-<base64>" entries`);
  }
  const out = new Map<string, string>();
  for (const [file, value] of Object.entries(doc)) {
    const sri = typeof value === 'string' ? normalizeSri(value) : undefined;
    if (!sri) {
      throw new ModelFormatError(
        `${where}: the value for "${file}" (${JSON.stringify(value)}) is not "sha256-" followed by the base64 of a SHA-256 digest`,
      );
    }
    out.set(manifestKey(file), sri);
  }
  return out;
}

/** A file's expected value and where it was given, for messages. */
export interface Expected {
  sri: string;
  from: string;
}

/**
 * A file's expected value, most binding source first: the `integrity` option (a string covers the
 * main file only), then the manifest. Undefined: no value is known for the file.
 */
export function expectedIntegrity(
  key: string,
  isMain: boolean,
  option: IntegrityManifest | string | undefined,
  manifest: { url: string; files: IntegrityManifest } | undefined,
): Expected | undefined {
  const given = typeof option === 'string' ? (isMain ? option : undefined) : option?.get(key);
  if (given) return { sri: given, from: 'the integrity option' };
  const listed = manifest?.files.get(key);
  return listed ? { sri: listed, from: manifest!.url } : undefined;
}

/**
 * The `integrity` option checked and normalised: a string becomes its canonical value, a record a
 * manifest. @throws ModelFormatError naming the bad value.
 */
export function parseIntegrityOption(option: IntegrityOption | undefined): IntegrityManifest | string | undefined {
  if (option === undefined) return undefined;
  if (typeof option === 'string') {
    const sri = normalizeSri(option);
    if (!sri) throw new ModelFormatError(`The integrity option (${JSON.stringify(option)}) is not "sha256-" followed by the base64 of a SHA-256 digest`);
    return sri;
  }
  return parseIntegrityManifest(option, 'The integrity option');
}
