/**
 * The engine's limits, in one place. Each guards an allocation whose size comes from the input (an
 * image header, a model file, a config, a shape) and is checked BEFORE that allocation, so a
 * hostile or mistaken input fails with a LimitError that says which limit, by how much, and how to
 * raise it, instead of a RangeError or an out-of-memory crash minutes later.
 *
 * Defaults are generous (every real model and image this project has met is far below them) but
 * keep one request within what a browser tab or a Node process can hold. Raise them with the
 * `limits` option of loadModel (`{ limits: { maxImagePixels: 4e8 } }`) or mi's flags.
 */
import { LimitError } from './errors.ts';

export interface EngineLimits {
  /**
   * Width × height of one image the engine decodes or uploads: read from the PNG/JPEG header before
   * decoding, or from an ImageBitmap/pixels' size. Default 100 000 000 (10 000 × 10 000; decoded to
   * float RGB that is 1.2 GB).
   */
  maxImagePixels: number;
  /**
   * Bytes of one model file (model.json, a weight shard, a .h5, a .keras and each file inside it),
   * checked from its size (Content-Length, the file's size, the zip directory) before it is read or
   * inflated. Default 2 GiB.
   */
  maxModelBytes: number;
  /**
   * Elements of one tensor: an input, an activation, an output, a resized image. Default 2^28
   * (1 GiB of float32, the largest buffer most GPUs give WebGPU).
   */
  maxTensorElements: number;
  /**
   * Nesting depth of a model's JSON config (objects and arrays), checked before anything walks it:
   * Keras nests a model inside a model about six levels deep. Default 1000.
   */
  maxConfigDepth: number;
  /**
   * Bytes of activations one run of a batch may use; a bigger batch runs in chunks (see
   * runtime/batch-chunks.ts). Default: derived from the device, half its largest buffer and at
   * most 512 MiB.
   */
  batchChunkBytes?: number;
}

export type LimitName = keyof EngineLimits;

export const DEFAULT_LIMITS: Readonly<Omit<EngineLimits, 'batchChunkBytes'>> = Object.freeze({
  maxImagePixels: 100_000_000,
  maxModelBytes: 2 ** 31,
  maxTensorElements: 2 ** 28,
  maxConfigDepth: 1000,
});

/** mi's flag for each limit (named in every LimitError, so a CLI user knows what to pass). */
export const LIMIT_FLAGS: Readonly<Record<LimitName, string>> = Object.freeze({
  maxImagePixels: '--max-image-pixels',
  maxModelBytes: '--max-model-bytes',
  maxTensorElements: '--max-tensor-elements',
  maxConfigDepth: '--max-config-depth',
  batchChunkBytes: '--batch-chunk-bytes',
});

/** The defaults with `given` on top; a given value must be a positive number. */
export function resolveLimits(given: Partial<EngineLimits> = {}): EngineLimits {
  for (const [name, value] of Object.entries(given)) {
    if (!(name in LIMIT_FLAGS)) throw new RangeError(`limits: unknown limit "${name}" (known: ${Object.keys(LIMIT_FLAGS).join(', ')})`);
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw new RangeError(`limits.${name} must be a positive number, got ${String(value)}`);
    }
  }
  const out: EngineLimits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) (out as unknown as Record<string, number>)[name] = value;
  return out;
}

/** How a LimitError ends: the limit and how to raise it, in the API and in mi. */
export function howToRaise(name: LimitName): string {
  return `raise limits.${name} (mi: ${LIMIT_FLAGS[name]})`;
}

/**
 * Throws a LimitError when `value` exceeds `limits[name]`. `what` says what was measured, in a
 * phrase that reads before "is": `image "x.png" (20000×20000)`; `unit` follows the numbers.
 */
export function checkLimit(limits: Partial<EngineLimits> | undefined, name: Exclude<LimitName, 'batchChunkBytes'>, value: number, what: string, unit: string): void {
  const max = limits?.[name] ?? DEFAULT_LIMITS[name];
  if (value > max) throw limitError(name, value, max, what, unit);
}

/** The LimitError for `value` over `max` (see checkLimit). */
export function limitError(name: LimitName, value: number, max: number, what: string, unit: string): LimitError {
  return new LimitError(name, value, max, `${what} is ${count(value)} ${unit}, over the limit of ${count(max)} (${howToRaise(name)})`);
}

/** Integers as digits (no locale separators, so messages are the same in every runtime); others rounded. */
function count(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toPrecision(4);
}
