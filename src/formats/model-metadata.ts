/**
 * A model's `metadata.json`: the labels and the input recipe its trainer wrote down (the shape that
 * scripts/train_malaria_cnn.py writes), found beside the model and read defensively. A missing file
 * is normal and a malformed one must never stop a model from loading: both only leave a note.
 *
 * Where it is looked for, first hit wins:
 * - the `metadata` load option: an object, a URL (no other place is then tried), or `false` (none);
 * - beside a URL model: `metadata.json` for a `.json` model; `<stem>.metadata.json`, then
 *   `metadata.json`, for a `.h5` / `.keras` (several models may share a folder);
 * - among given files (`File[]`, `FileList`, `{ files }`): `<stem>.metadata.json` of one of them,
 *   then `metadata.json`.
 * A plain `metadata.json` that lists its model's files (`files: { keras: "model.keras", ... }`) is
 * taken only when it names this model's file: it may describe another model in the same folder.
 *
 * The type lives here, with its parser, so the readers' stage owns the file format; the
 * preprocessing resolver (runtime) and the element re-export it.
 */
import { absoluteUrl, resolveUrl } from './fetch-bytes.ts';
import type { ModelSource } from './read-model.ts';
import type { WindowSpec } from './medical/types.ts';

/** The parts of a model's `metadata.json` the engine reads; every field is optional. */
export interface ModelMetadata {
  name?: string;
  labels?: string[];
  /**
   * Segmentation models: a colour per label, in label order, as CSS hex ('#rrggbb' or '#rgb'), for the
   * label table and overlays (a default palette otherwise).
   */
  colors?: string[];
  /** 'sigmoid' | 'softmax' | 'linear': how to turn outputs into probabilities. */
  outputActivation?: string;
  /** For one sigmoid unit: p > threshold means labels[1]. */
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
    /**
     * Medical images (DICOM, NIfTI, 16-bit PNG): how intensities become [0, 1] before `range`: a
     * window `{ center, width, function? }` (DICOM's VOI formula), 'from-file' (the file's own
     * window, else its stored values' full range, else min-max) or 'min-max'.
     */
    window?: WindowSpec;
    /** What [0, 1] after the window becomes before `scale` (default [0, 255]: the usual pixel range). */
    range?: [number, number];
    /**
     * Volumes (3-D models, input [1, d, h, w, 1]): 'native' feeds the image's axes in its own order
     * (NIfTI (i, j, k) as nibabel's get_fdata(); a DICOM series (slice, row, col)); 'reversed' feeds
     * them last first ((k, j, i); (col, row, slice)).
     */
    orientation?: VolumeOrientation;
  };
  /** The model files this metadata describes, by format (`{ keras: "model.keras", tfjs: "model.json" }`). */
  files?: Record<string, string>;
}

/** How a volume's axes map to a 3-D model's input (see ModelMetadata.input.orientation). */
export type VolumeOrientation = 'native' | 'reversed';
export const VOLUME_ORIENTATIONS: readonly VolumeOrientation[] = ['native', 'reversed'];

const WINDOW_FUNCTIONS = ['LINEAR', 'LINEAR_EXACT', 'SIGMOID'] as const;

/** A window spec from JSON, or the reason it is not one. */
export function parseWindowSpec(v: unknown): { window: WindowSpec } | { why: string } {
  if (v === 'from-file' || v === 'min-max') return { window: v };
  if (typeof v === 'string') return { why: `"${v}" is not 'from-file', 'min-max' or { center, width }` };
  if (!isObject(v)) return { why: 'not { center, width } or a string' };
  const { center, width } = v;
  const fn = v.function;
  if (!isNumber(center)) return { why: 'center is not a number' };
  if (!isNumber(width) || width <= 0) return { why: 'width is not a positive number' };
  if (fn !== undefined && !WINDOW_FUNCTIONS.includes(fn as (typeof WINDOW_FUNCTIONS)[number])) {
    return { why: `function ${JSON.stringify(fn)} is not ${WINDOW_FUNCTIONS.join(', ')}` };
  }
  return { window: fn === undefined ? { center, width } : { center, width, function: fn as (typeof WINDOW_FUNCTIONS)[number] } };
}

/** The `metadata` load option: an object, a URL of the file, or false to look for none. */
export type MetadataOption = ModelMetadata | string | URL | false;

/** What the search found. */
export interface FoundMetadata {
  metadata?: ModelMetadata;
  /** Where it came from: a URL, a file name, or "the metadata option". */
  from?: string;
  /** Files passed over and fields dropped, each with its reason. */
  notes: string[];
  /** The model file's name where the source has one ("model.keras"), for messages. */
  modelFile?: string;
}

/** The last path segment of a URL or file name ("model.keras"). */
export function fileNameOf(pathOrUrl: string): string {
  let path = pathOrUrl;
  try {
    path = new URL(pathOrUrl).pathname;
  } catch {
    // not a URL: a plain path or name
  }
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Sidecar names to try for a model file, in order. */
export function sidecarNames(modelFile: string): string[] {
  const name = fileNameOf(modelFile);
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.slice(dot).toLowerCase() === '.json') return ['metadata.json'];
  return [`${name.slice(0, dot)}.metadata.json`, 'metadata.json'];
}

/**
 * Why a plain `metadata.json` does not describe a model file (undefined when it does): it lists
 * its files and this one is not among them.
 */
export function otherModelsMetadata(metadata: ModelMetadata, modelFiles: readonly string[]): string | undefined {
  if (!metadata.files) return undefined;
  const listed = Object.values(metadata.files).map(fileNameOf);
  if (modelFiles.some((f) => listed.includes(fileNameOf(f)))) return undefined;
  return `it describes ${listed.join(', ') || 'no files'}, not ${modelFiles.map(fileNameOf).join(', ')}`;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a parsed metadata document: a document that is not an object is rejected with the reason;
 * a field of the wrong type is dropped with a note, the rest kept.
 */
export function parseModelMetadata(doc: unknown, from: string): { metadata?: ModelMetadata; notes: string[] } {
  const name = fileNameOf(from);
  if (!isObject(doc)) return { notes: [`${name} ignored: not a JSON object`] };
  const notes: string[] = [];
  const drop = (field: string, value: unknown, want: string) =>
    notes.push(`${name}: ${field} ${JSON.stringify(value)} is not ${want}: ignored`);
  const meta: ModelMetadata = {};
  if (typeof doc.name === 'string') meta.name = doc.name;
  if (doc.labels !== undefined) {
    if (Array.isArray(doc.labels) && doc.labels.every((l) => typeof l === 'string' || typeof l === 'number')) meta.labels = doc.labels.map(String);
    else drop('labels', doc.labels, 'a list of names');
  }
  if (doc.colors !== undefined) {
    if (Array.isArray(doc.colors) && doc.colors.every((c) => typeof c === 'string' && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c))) meta.colors = [...(doc.colors as string[])];
    else drop('colors', doc.colors, "a list of CSS hex colours ('#rrggbb')");
  }
  if (doc.outputActivation !== undefined) {
    if (typeof doc.outputActivation === 'string') meta.outputActivation = doc.outputActivation;
    else drop('outputActivation', doc.outputActivation, 'a string');
  }
  if (doc.threshold !== undefined) {
    if (isNumber(doc.threshold)) meta.threshold = doc.threshold;
    else drop('threshold', doc.threshold, 'a number');
  }
  if (doc.files !== undefined) {
    if (isObject(doc.files) && Object.values(doc.files).every((f) => typeof f === 'string')) meta.files = { ...(doc.files as Record<string, string>) };
    else drop('files', doc.files, 'an object of file names');
  }
  if (doc.input !== undefined) {
    if (isObject(doc.input)) meta.input = parseInput(doc.input, (field, value, want) => drop(`input.${field}`, value, want));
    else drop('input', doc.input, 'an object');
  }
  return { metadata: meta, notes };
}

function parseInput(d: Record<string, unknown>, drop: (field: string, value: unknown, want: string) => void): NonNullable<ModelMetadata['input']> {
  const input: NonNullable<ModelMetadata['input']> = {};
  for (const key of ['height', 'width', 'channels'] as const) {
    const v = d[key];
    if (v === undefined || v === null) continue;
    if (isNumber(v) && Number.isInteger(v) && v > 0) input[key] = v;
    else drop(key, v, 'a positive integer');
  }
  for (const key of ['scale', 'offset'] as const) {
    const v = d[key];
    if (v === undefined || v === null) continue;
    if (isNumber(v)) input[key] = v;
    else drop(key, v, 'a number');
  }
  for (const key of ['mean', 'std'] as const) {
    const v = d[key];
    if (v === undefined || v === null) continue;
    if (isNumber(v)) input[key] = [v];
    else if (Array.isArray(v) && v.length > 0 && v.every(isNumber)) input[key] = [...v];
    else drop(key, v, 'a number or a list of numbers');
  }
  if (d.resize !== undefined) {
    if (typeof d.resize === 'string') input.resize = d.resize;
    else drop('resize', d.resize, 'a string');
  }
  if (d.window !== undefined && d.window !== null) {
    const w = parseWindowSpec(d.window);
    if ('window' in w) input.window = w.window;
    else drop('window', d.window, `a window (${w.why})`);
  }
  if (d.range !== undefined && d.range !== null) {
    const r = d.range;
    if (Array.isArray(r) && r.length === 2 && r.every(isNumber) && r[0] !== r[1]) input.range = [r[0], r[1]];
    else drop('range', r, 'two different numbers [low, high]');
  }
  if (d.orientation !== undefined && d.orientation !== null) {
    if (VOLUME_ORIENTATIONS.includes(d.orientation as VolumeOrientation)) input.orientation = d.orientation as VolumeOrientation;
    else drop('orientation', d.orientation, `one of ${VOLUME_ORIENTATIONS.join(', ')}`);
  }
  return input;
}

/** Parses a metadata file's text (BOM tolerated); a file that is not JSON is rejected with the reason. */
export function parseMetadataText(text: string, from: string): { metadata?: ModelMetadata; notes: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { notes: [`${fileNameOf(from)} ignored: not valid JSON (${(err as Error).message})`] };
  }
  return parseModelMetadata(doc, from);
}

/** A metadata candidate's text, or undefined when there is no such file. */
type Reader = (name: string) => Promise<{ text: string; from: string } | undefined>;

/**
 * Finds and reads the metadata of the model in `source` (see the module comment for where).
 * Never rejects on a missing or malformed file; only an abort (`signal`) rejects.
 */
export async function findModelMetadata(
  source: ModelSource | undefined,
  option: MetadataOption | undefined,
  io: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<FoundMetadata> {
  const modelFile = source === undefined ? undefined : modelFileOf(source);
  const found = await lookUp(source, option, io);
  return modelFile ? { ...found, modelFile } : found;
}

async function lookUp(source: ModelSource | undefined, option: MetadataOption | undefined, io: { fetch?: typeof fetch; signal?: AbortSignal }): Promise<FoundMetadata> {
  if (option === false) return { notes: ['metadata lookup turned off'] };
  const fetchFn = io.fetch ?? globalThis.fetch;
  if (option !== undefined && typeof option !== 'string' && !(option instanceof URL)) {
    const parsed = parseModelMetadata(option, 'the metadata option');
    return { metadata: parsed.metadata, from: 'the metadata option', notes: parsed.notes };
  }
  if (option !== undefined) {
    const url = absoluteUrl(String(option));
    const got = await fetchText(url, fetchFn, io.signal);
    if ('missing' in got) return { notes: [`metadata ${url} not read: ${got.missing}`] };
    return parsedFrom(got.text, url);
  }
  if (typeof source === 'string' || source instanceof URL) {
    const modelUrl = absoluteUrl(String(source));
    const read: Reader = async (name) => {
      const url = resolveUrl(name, modelUrl);
      const got = await fetchText(url, fetchFn, io.signal);
      return 'missing' in got ? undefined : { text: got.text, from: url };
    };
    return search(sidecarNames(modelUrl), [fileNameOf(modelUrl)], read);
  }
  const files = source === undefined ? undefined : namedFiles(source);
  if (!files) return { notes: [] };
  const byName = new Map(files.map((f) => [fileNameOf(f.name), f]));
  const models = [...byName.keys()].filter(isModelName);
  const candidates = [...new Set([...models.flatMap((m) => sidecarNames(m).slice(0, -1)), 'metadata.json'])];
  const read: Reader = async (name) => {
    const f = byName.get(name);
    return f ? { text: await f.text(), from: f.name } : undefined;
  };
  return search(candidates, models, read);
}

function parsedFrom(text: string, from: string): FoundMetadata {
  const parsed = parseMetadataText(text, from);
  return parsed.metadata ? { metadata: parsed.metadata, from, notes: parsed.notes } : { notes: parsed.notes };
}

/** Tries the candidates in order; the first readable one that describes the model wins. */
async function search(candidates: readonly string[], modelFiles: readonly string[], read: Reader): Promise<FoundMetadata> {
  const notes: string[] = [];
  for (const name of candidates) {
    const got = await read(name);
    if (!got) continue;
    const found = parsedFrom(got.text, got.from);
    notes.push(...found.notes);
    if (!found.metadata) continue;
    const other = name === 'metadata.json' ? otherModelsMetadata(found.metadata, modelFiles) : undefined;
    if (other) {
      notes.push(`${name} ignored: ${other}`);
      continue;
    }
    return { metadata: found.metadata, from: found.from, notes };
  }
  return { notes };
}

/** A name a model file may have (metadata files excepted). */
const isModelName = (n: string): boolean => /\.(json|h5|hdf5|keras)$/i.test(n) && !/(^|\.)metadata\.json$/i.test(n);

/** The model file's name: the URL's last segment, or the likeliest model among files (a zip or HDF5 before JSON). */
function modelFileOf(source: ModelSource): string | undefined {
  if (typeof source === 'string' || source instanceof URL) return fileNameOf(String(source)) || undefined;
  const names = (namedFiles(source) ?? []).map((f) => fileNameOf(f.name)).filter(isModelName);
  return names.find((n) => !/\.json$/i.test(n)) ?? names[0];
}

interface NamedText {
  name: string;
  text(): Promise<string>;
}

/** A file set's names and contents, or undefined for a source that is not a set of files. */
function namedFiles(source: ModelSource): NamedText[] | undefined {
  const isBlob = (v: unknown): v is Blob => typeof Blob !== 'undefined' && v instanceof Blob;
  if (isBlob(source)) return [{ name: (source as File).name ?? '', text: () => source.text() }];
  if (Array.isArray(source) || (typeof FileList !== 'undefined' && source instanceof FileList)) {
    return Array.from(source as ArrayLike<Blob>).map((b) => ({ name: (b as File).name ?? '', text: () => b.text() }));
  }
  if (typeof source === 'object' && source !== null && 'files' in source && source.files instanceof Map) {
    const decode = (b: ArrayBuffer | Uint8Array) => new TextDecoder().decode(b);
    return [...source.files].map(([name, bytes]) => ({ name, text: async () => decode(bytes) }));
  }
  return undefined;
}

/** Downloads a small text file; a 404 (or a server's HTML fallback page) means there is none. */
async function fetchText(url: string, fetchFn: typeof fetch | undefined, signal?: AbortSignal): Promise<{ text: string } | { missing: string }> {
  if (typeof fetchFn !== 'function') return { missing: 'no fetch() here' };
  let res: Response;
  try {
    res = await fetchFn(url, signal ? { signal } : undefined);
  } catch (err) {
    if (signal?.aborted) throw err;
    return { missing: (err as Error).message ?? String(err) };
  }
  if (!res.ok) return { missing: `HTTP ${res.status}` };
  // Single-page-app servers answer every unknown path with their index.html.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) return { missing: 'the server answered with an HTML page' };
  try {
    return { text: await res.text() };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { missing: (err as Error).message ?? String(err) };
  }
}
