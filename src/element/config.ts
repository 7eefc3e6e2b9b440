/**
 * How the element's attributes become preprocessing options, and the labels they set. The
 * precedence itself (attribute, then metadata.json, then the graph, then the default) is the
 * engine's one resolution, runtime/preprocess-resolve.ts, shared with `Model.predictImage` and
 * `mi predict`. Pure functions (no DOM, no engine), so the rules are easy to read and to test.
 */
import type { PreprocessOptions, ResolvedPreprocessOptions } from '../index.ts';

/** Moved to the engine (formats/model-metadata.ts); re-exported for code that imported it from here. */
export type { ModelMetadata } from '../index.ts';

/** The preprocessing attributes as the element holds them (undefined = not set). */
export interface PreprocessAttributes {
  inputSize?: string;
  scale?: number;
  offset?: number;
  mean?: string | readonly number[];
  std?: string | readonly number[];
  grayscale?: boolean;
  resize?: string;
}

/** `labels` as an element holds it: an array (property) or the attribute's comma list / JSON. */
export function labelsOf(labels: unknown): string[] | undefined {
  return Array.isArray(labels) ? labels.map(String) : parseLabels(typeof labels === 'string' ? labels : undefined);
}

/** Parses a `labels` attribute: a JSON array (`["a","b"]`) or a comma list (`a, b`). */
export function parseLabels(value: string | null | undefined): string[] | undefined {
  if (value == null || value.trim() === '') return undefined;
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((v) => String(v));
    } catch {
      // Not JSON after all (a label may start with "["): fall through to the comma list.
    }
  }
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Parses "0.485, 0.456, 0.406" (or a JSON array) into numbers; undefined when unset or invalid. */
export function parseNumberList(value: string | readonly number[] | null | undefined): number[] | undefined {
  if (Array.isArray(value)) return value.every(Number.isFinite) ? [...value] : undefined;
  const items = parseLabels(value as string | null | undefined);
  if (!items) return undefined;
  const nums = items.map(Number);
  return nums.every(Number.isFinite) ? nums : undefined;
}

/**
 * Parses `input-size`: "224" (square) or "WIDTHxHEIGHT" ("320x240", the way image sizes are
 * written on the web). Returns `{ height, width }` or undefined.
 */
export function parseInputSize(value: string | null | undefined): { height: number; width: number } | undefined {
  if (!value) return undefined;
  const m = /^\s*(\d+)\s*(?:[x×,]\s*(\d+))?\s*$/i.exec(value);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = m[2] === undefined ? width : Number(m[2]);
  return width > 0 && height > 0 ? { height, width } : undefined;
}

const resizeMode = (v: string | undefined): 'bilinear' | 'nearest' | undefined =>
  v === undefined ? undefined : v.startsWith('nearest') ? 'nearest' : v.startsWith('bilinear') ? 'bilinear' : undefined;

/** The attributes that are set, as explicit preprocessing options (they beat everything else). */
export function attributeOptions(attrs: PreprocessAttributes): PreprocessOptions {
  const size = parseInputSize(attrs.inputSize);
  const options: PreprocessOptions = {
    height: size?.height,
    width: size?.width,
    channels: attrs.grayscale ? 1 : undefined,
    resize: resizeMode(attrs.resize),
    scale: attrs.scale,
    offset: attrs.offset,
    mean: parseNumberList(attrs.mean),
    std: parseNumberList(attrs.std),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as PreprocessOptions;
}

/**
 * The options with their size known.
 * @throws Error naming the attribute to set when neither the model nor its metadata says its input size.
 */
export function withSize(options: ResolvedPreprocessOptions): ResolvedPreprocessOptions & { height: number; width: number; channels: 1 | 3 } {
  const { height, width } = options;
  if (!height || !width) {
    throw new Error('The model does not declare its input size: set the input-size attribute (e.g. input-size="224")');
  }
  return { ...options, height, width, channels: options.channels ?? 3 };
}
