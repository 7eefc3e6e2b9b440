/**
 * How the element's attributes, a model's `metadata.json` and the model's declared input shape
 * combine into preprocessing options and labels. Precedence, highest first: attribute, metadata,
 * model. Pure functions (no DOM, no engine), so the rules are easy to read and to test.
 */
import type { PreprocessOptions } from '../runtime/preprocess-options.ts';

/**
 * The parts of a model's `metadata.json` the element reads (the shape that
 * scripts/train_malaria_cnn.py writes; every field is optional).
 */
export interface ModelMetadata {
  name?: string;
  labels?: string[];
  /** 'sigmoid' | 'softmax' | 'linear': how to turn outputs into probabilities. */
  outputActivation?: string;
  threshold?: number;
  input?: {
    height?: number;
    width?: number;
    channels?: number;
    /** 'bilinear', 'bilinear-half-pixel' or 'nearest'. */
    resize?: string;
    scale?: number;
    offset?: number;
    mean?: number[];
    std?: number[];
  };
}

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

/**
 * The options handed to `Model.predictImage`. `declaredShape` is the model's input shape
 * `[batch, height, width, channels]` (null where the model accepts any size).
 * @throws Error naming the attribute to set when the model does not say its input size.
 */
export function resolvePreprocess(
  attrs: PreprocessAttributes,
  meta: ModelMetadata | undefined,
  declaredShape: readonly (number | null)[],
): Required<Pick<PreprocessOptions, 'height' | 'width' | 'resize' | 'scale' | 'offset' | 'channels'>> &
  Pick<PreprocessOptions, 'mean' | 'std'> {
  const size = parseInputSize(attrs.inputSize);
  const mi = meta?.input ?? {};
  const height = size?.height ?? mi.height ?? declaredShape[1] ?? undefined;
  const width = size?.width ?? mi.width ?? declaredShape[2] ?? undefined;
  if (!height || !width) {
    throw new Error('The model does not declare its input size: set the input-size attribute (e.g. input-size="224")');
  }
  const declaredChannels = declaredShape[3] ?? mi.channels ?? 3;
  const channels: 1 | 3 = attrs.grayscale || declaredChannels === 1 ? 1 : 3;
  return {
    height,
    width,
    channels,
    resize: resizeMode(attrs.resize) ?? resizeMode(mi.resize) ?? 'bilinear',
    scale: attrs.scale ?? mi.scale ?? 1 / 255,
    offset: attrs.offset ?? mi.offset ?? 0,
    mean: parseNumberList(attrs.mean) ?? mi.mean,
    std: parseNumberList(attrs.std) ?? mi.std,
  };
}

/** Reads a metadata object defensively: a malformed file must not stop the model from loading. */
export function asMetadata(doc: unknown): ModelMetadata | undefined {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  const input = d.input && typeof d.input === 'object' ? (d.input as ModelMetadata['input']) : undefined;
  return {
    name: typeof d.name === 'string' ? d.name : undefined,
    labels: Array.isArray(d.labels) ? d.labels.map(String) : undefined,
    outputActivation: typeof d.outputActivation === 'string' ? d.outputActivation : undefined,
    threshold: typeof d.threshold === 'number' ? d.threshold : undefined,
    input,
  };
}
