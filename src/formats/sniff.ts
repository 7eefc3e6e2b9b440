/**
 * Content sniffing: what a bunch of bytes is, so the readers pick the format by content and the
 * "not a model" errors can say what the user actually gave (an image, an archive, random bytes).
 */
import { DEFAULT_LIMITS } from '../limits.ts';
import { parseJson, textDepth } from './json.ts';

/** First non-blank byte (after a UTF-8 BOM) is "{": worth trying as JSON. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x7b;
}

/**
 * Parses JSON bytes (see json.ts: depth checked first, one message for invalid JSON everywhere).
 * With `lenient`, returns undefined instead of throwing when they do not parse (used while looking
 * through a set of files for the model); too deep a document throws either way.
 */
export function parseJsonBytes(bytes: Uint8Array, name: string, lenient = false, maxDepth?: number): unknown {
  const text = new TextDecoder().decode(bytes);
  if (lenient && textDepth(text) <= (maxDepth ?? DEFAULT_LIMITS.maxConfigDepth)) {
    try {
      return JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      return undefined;
    }
  }
  return parseJson(text, `"${name}"`, maxDepth);
}

/** A Keras architecture document (`model.to_json()`, or a bare model config). */
export function isKerasConfigJson(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const d = doc as Record<string, unknown>;
  const cls = d.class_name;
  return (cls === 'Sequential' || cls === 'Functional' || cls === 'Model') && typeof d.config === 'object';
}

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'gzip data'],
  [[0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], 'a NumPy .npy array'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x3c], 'text/HTML (an error page?)'],
];

/** A short human description of unknown bytes, for error messages. */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'empty';
  for (const [sig, what] of SIGNATURES) if (sig.every((b, i) => bytes[i] === b)) return `${bytes.length} bytes, ${what}`;
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes starting ${head}`;
}
