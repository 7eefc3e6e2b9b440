/**
 * The one answer to "how does an image become this model's input", shared by `Model.predictImage`,
 * `<mi-classifier>` and `mi predict`. Each field is taken from the first of these that says it:
 *
 * 1. explicit options (API options, element attributes, CLI flags);
 * 2. the model's `metadata.json` (formats/model-metadata.ts finds it);
 * 3. the graph: an input `Rescaling` or `Normalization` layer means the model takes raw 0–255
 *    pixels (scale 1, offset 0, mean 0, std 1); the declared input shape gives size and channels;
 * 4. the documented default: scale 1/255, offset 0, mean 0, std 1, bilinear, 3 channels.
 *
 * Every field records where it came from, and a model that fell back to the default scale says so
 * (`usedDefault`, `reason`): a wrong scale gives confident wrong answers, so it must never be silent.
 * Pure: no DOM, no fetch, no GPU.
 */
import { fileNameOf, type ModelMetadata, type VolumeOrientation } from '../formats/model-metadata.ts';
import type { WindowSpec } from '../formats/medical/types.ts';
import type { InputScalingLayer } from '../graph/input-scaling.ts';
import type { PreprocessOptions } from './preprocess-options.ts';

export type { ModelMetadata } from '../formats/model-metadata.ts';

/** Where a preprocessing value came from. */
export type PreprocessSource = 'option' | 'metadata' | 'graph' | 'default';

/** The fields whose source is recorded (`size` is height and width). */
export type PreprocessField = 'size' | 'channels' | 'resize' | 'scale' | 'offset' | 'mean' | 'std';

/** Resolved options: everything but size and channels is always known. */
export interface ResolvedPreprocessOptions {
  /** Unknown for a model that accepts any size when neither options nor metadata say. */
  height?: number;
  width?: number;
  /** Unknown for a model whose input is not an image of 1 or 3 channels. */
  channels?: 1 | 3;
  resize: 'bilinear' | 'nearest';
  scale: number;
  offset: number;
  /** One value for every channel, or one per channel. */
  mean: number[];
  std: number[];
}

/** The fields for medical images (MedicalImage from loadImage), each with its source. */
export type IntensityField = 'window' | 'range' | 'orientation';

/** How a medical image's intensities become the 0..255-style pixels the recipe above then scales. */
export interface ResolvedIntensity {
  /** Default 'from-file' (the file's own window, else its stored values' full range, else min-max). */
  window: WindowSpec;
  /** What [0, 1] after the window becomes; default [0, 255]. */
  range: [number, number];
  /** Volumes: default 'native'. */
  orientation: VolumeOrientation;
  sources: Record<IntensityField, PreprocessSource>;
}

/** How a model's images are preprocessed, and why: a plain object (it crosses page boundaries as JSON). */
export interface ModelPreprocessing {
  options: ResolvedPreprocessOptions;
  sources: Record<PreprocessField, PreprocessSource>;
  /** Medical images only: window, range and volume orientation (metadata, option or default). */
  intensity: ResolvedIntensity;
  /** True when scale and offset came only from the default (nothing said how the model was trained). */
  usedDefault: boolean;
  /** From the metadata, when it says. */
  labels?: string[];
  outputActivation?: string;
  threshold?: number;
  /** Where the metadata came from (a URL, a file name, "the metadata option"). */
  metadataFrom?: string;
  /** The input layer that made the graph imply raw pixels. */
  inputLayer?: { name: string; kerasClass: string };
  /** The model file's name, for messages. */
  modelFile?: string;
  /** What was found and passed over on the way (ignored files and fields, conflicts). */
  notes: string[];
  /** One sentence: where the scale came from, or that it was assumed. */
  reason: string;
}

/** What is known about a model before any image arrives. */
export interface PreprocessEvidence {
  /** Declared input shape `[batch, H, W, C]` (null where open). */
  declared?: readonly (number | null)[];
  metadata?: ModelMetadata;
  metadataFrom?: string;
  /** Notes from finding the metadata (files ignored and why). */
  metadataNotes?: readonly string[];
  inputLayer?: InputScalingLayer;
  modelFile?: string;
}

export const DEFAULT_SCALE = 1 / 255;

/** Resolves a model's preprocessing from what is known about it, then applies `explicit` on top. */
export function resolvePreprocessing(evidence: PreprocessEvidence, explicit: PreprocessOptions = {}): ModelPreprocessing {
  const notes = [...(evidence.metadataNotes ?? [])];
  const meta = evidence.metadata;
  const mi = meta?.input ?? {};
  const metaName = fileNameOf(evidence.metadataFrom ?? 'metadata.json');
  const declared = evidence.declared?.length === 4 ? evidence.declared : undefined;
  const layer = evidence.inputLayer;

  const sources = {} as Record<PreprocessField, PreprocessSource>;
  const pick = <T>(field: PreprocessField, fromMeta: T | undefined, fromGraph: T | undefined, fallback: T): T => {
    if (fromMeta !== undefined) return (sources[field] = 'metadata'), fromMeta;
    if (fromGraph !== undefined) return (sources[field] = 'graph'), fromGraph;
    return (sources[field] = 'default'), fallback;
  };

  const metaSize = mi.height !== undefined && mi.width !== undefined ? { height: mi.height, width: mi.width } : undefined;
  if ((mi.height === undefined) !== (mi.width === undefined)) notes.push(`${metaName}: input gives only one of height and width: ignored`);
  const declaredSize = declared?.[1] && declared[2] ? { height: declared[1], width: declared[2] } : undefined;
  const size = pick<{ height?: number; width?: number }>('size', metaSize, declaredSize, {});

  // The declared channel count is a fact about the model, so it beats the metadata's.
  const declaredChannels = declared?.[3] ?? undefined;
  if (declaredChannels != null && mi.channels !== undefined && mi.channels !== declaredChannels) {
    notes.push(`${metaName} says ${mi.channels} input channels but the model declares ${declaredChannels}: the model's count is used`);
  }
  let channels: 1 | 3 | undefined;
  if (declaredChannels != null) {
    sources.channels = 'graph';
    channels = declaredChannels === 1 || declaredChannels === 3 ? declaredChannels : undefined;
  } else {
    const metaChannels = mi.channels === 1 || mi.channels === 3 ? mi.channels : undefined;
    if (mi.channels !== undefined && metaChannels === undefined) notes.push(`${metaName}: input.channels ${mi.channels} is not 1 or 3: ignored`);
    channels = pick<1 | 3>('channels', metaChannels, undefined, 3);
  }

  const metaResize = resizeMethod(mi.resize);
  if (mi.resize !== undefined && metaResize === undefined) notes.push(`${metaName}: unknown input.resize "${mi.resize}": ignored`);
  const resize = pick('resize', metaResize, undefined, 'bilinear' as const);

  // An input Rescaling/Normalization layer does all the scaling: raw pixels in, nothing else.
  const raw = layer !== undefined;
  const scale = pick('scale', mi.scale, raw ? 1 : undefined, DEFAULT_SCALE);
  const offset = pick('offset', mi.offset, raw ? 0 : undefined, 0);
  const mean = pick('mean', mi.mean, raw ? [0] : undefined, [0]);
  const std = pick('std', mi.std, raw ? [1] : undefined, [1]);

  const intensity: ResolvedIntensity = {
    window: mi.window ?? 'from-file',
    range: mi.range ? [mi.range[0], mi.range[1]] : [0, 255],
    orientation: mi.orientation ?? 'native',
    sources: {
      window: mi.window !== undefined ? 'metadata' : 'default',
      range: mi.range !== undefined ? 'metadata' : 'default',
      orientation: mi.orientation !== undefined ? 'metadata' : 'default',
    },
  };
  const base: ModelPreprocessing = {
    options: { ...size, channels, resize, scale, offset, mean, std },
    sources,
    intensity,
    usedDefault: false,
    labels: meta?.labels,
    outputActivation: meta?.outputActivation,
    threshold: meta?.threshold,
    metadataFrom: meta ? evidence.metadataFrom : undefined,
    inputLayer: layer ? { name: layer.name, kerasClass: layer.kerasClass } : undefined,
    modelFile: evidence.modelFile,
    notes,
    reason: '',
  };
  return withOverrides(base, explicit);
}

/**
 * A resolution with explicit options on top: each option given replaces its field (source
 * 'option'); the rest, and the labels, stay as the model's.
 */
export function withOverrides(base: ModelPreprocessing, explicit: PreprocessOptions = {}): ModelPreprocessing {
  const options = { ...base.options };
  const sources = { ...base.sources };
  const set = <K extends keyof ResolvedPreprocessOptions>(key: K, field: PreprocessField, value: ResolvedPreprocessOptions[K] | undefined) => {
    if (value === undefined) return;
    options[key] = value;
    sources[field] = 'option';
  };
  set('height', 'size', explicit.height);
  set('width', 'size', explicit.width);
  set('channels', 'channels', explicit.channels);
  set('resize', 'resize', explicit.resize);
  set('scale', 'scale', explicit.scale);
  set('offset', 'offset', explicit.offset);
  set('mean', 'mean', explicit.mean ? [...explicit.mean] : undefined);
  set('std', 'std', explicit.std ? [...explicit.std] : undefined);
  const intensity: ResolvedIntensity = { ...base.intensity, sources: { ...base.intensity.sources } };
  if (explicit.window !== undefined) (intensity.window = explicit.window), (intensity.sources.window = 'option');
  if (explicit.range !== undefined) (intensity.range = [explicit.range[0], explicit.range[1]]), (intensity.sources.range = 'option');
  if (explicit.orientation !== undefined) (intensity.orientation = explicit.orientation), (intensity.sources.orientation = 'option');
  const resolved: ModelPreprocessing = { ...base, options, sources, intensity, notes: [...base.notes] };
  resolved.usedDefault = sources.scale === 'default' && sources.offset === 'default';
  resolved.reason = reasonOf(resolved);
  return resolved;
}

/** 'bilinear-half-pixel' → 'bilinear'; undefined for what is neither bilinear nor nearest. */
function resizeMethod(v: string | undefined): 'bilinear' | 'nearest' | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  return s.startsWith('nearest') ? 'nearest' : s.startsWith('bilinear') ? 'bilinear' : undefined;
}

/** `1/255` for reciprocals of whole numbers, else the number (6 significant digits). */
export function formatScale(scale: number): string {
  if (scale === 1) return '1';
  const inverse = Math.round(1 / scale);
  if (scale > 0 && scale < 1 && Math.abs(1 / scale - inverse) < 1e-6 * inverse) return `1/${inverse}`;
  return String(+scale.toPrecision(6));
}

/** The recipe in a few words: "scale 1/255", "scale 1, offset -1, mean [...]". */
export function describeRecipe(o: ResolvedPreprocessOptions): string {
  const parts = [`scale ${formatScale(o.scale)}`];
  if (o.offset !== 0) parts.push(`offset ${o.offset}`);
  if (o.mean.some((m) => m !== 0)) parts.push(`mean [${o.mean.join(', ')}]`);
  if (o.std.some((s) => s !== 1)) parts.push(`std [${o.std.join(', ')}]`);
  return parts.join(', ');
}

/**
 * Where the scale came from, in a few words: "metadata.json", "Rescaling layer", "default";
 * `optionName` names explicit options ("--scale" on the command line).
 */
export function scaleOrigin(p: ModelPreprocessing, optionName = 'options'): string {
  switch (p.sources.scale) {
    case 'option':
      return optionName;
    case 'metadata':
      return fileNameOf(p.metadataFrom ?? 'metadata.json');
    case 'graph':
      return `${p.inputLayer?.kerasClass ?? 'input'} layer`;
    default:
      return 'default';
  }
}

function reasonOf(p: ModelPreprocessing): string {
  const recipe = describeRecipe(p.options);
  const model = p.modelFile ? fileNameOf(p.modelFile) : 'the model';
  switch (p.sources.scale) {
    case 'option':
      return `${recipe}: as given`;
    case 'metadata':
      return `${recipe}: from ${fileNameOf(p.metadataFrom ?? 'metadata.json')}`;
    case 'graph':
      return `${recipe}: raw 0–255 pixels, the model's input layer "${p.inputLayer?.name}" (${p.inputLayer?.kerasClass}) scales them itself`;
    default: {
      const noMeta = p.metadataFrom ? `${fileNameOf(p.metadataFrom)} gives no input.scale` : 'no metadata.json';
      return `${noMeta} and no Rescaling or Normalization layer in ${model}: assumed pixels × ${formatScale(p.options.scale)}`;
    }
  }
}
