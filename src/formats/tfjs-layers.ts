/**
 * TensorFlow.js layers format: `model.json` (`modelTopology` = Keras config, `weightsManifest` =
 * groups of binary shards) → KerasModel. Shard bytes are supplied by the caller (fetched, picked from
 * files, or given), so this module does no I/O.
 *
 * Within a manifest group the shards are one byte stream cut into files; weights are laid out back
 * to back in manifest order and may straddle shard boundaries.
 */
import type { KerasModel } from './keras-model.ts';
import { ModelFormatError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import { leafLayers, parseModelConfig, unwrapTopology, versionFromDialect } from './keras-config.ts';
import { attachNamedWeights } from './keras-weights.ts';
import { flattenModel } from './flatten.ts';
import { float16ToFloat32 } from './float16.ts';

/** One entry of a manifest group. */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

export interface TfjsManifestGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** A parsed `model.json` of the layers format. */
export interface TfjsModelJson {
  modelTopology: unknown;
  weightsManifest: TfjsManifestGroup[];
  generatedBy?: string;
  convertedBy?: string;
  format?: string;
}

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when a parsed JSON document looks like a TF.js model.json (layers or graph). */
export function isTfjsModelJson(doc: unknown): boolean {
  // modelTopology alone is enough to tell: parseTfjsModelJson then says what else is missing.
  return isObj(doc) && 'modelTopology' in doc;
}

/** Validates the parts of model.json this reader relies on; `file` names it in messages. */
export function parseTfjsModelJson(doc: unknown, file: string): TfjsModelJson {
  if (!isObj(doc) || !('modelTopology' in doc)) {
    throw new ModelFormatError(`"${file}" is not a TF.js model.json (no "modelTopology")`);
  }
  if (doc.format === 'graph-model' || (isObj(doc.modelTopology) && 'node' in doc.modelTopology)) {
    throw new ModelFormatError(
      `"${file}" is a TF.js *graph* model (converted from a SavedModel); only the layers format ` +
        `(converted from a Keras model) is supported`,
    );
  }
  const manifest = doc.weightsManifest;
  if (manifest === undefined) {
    throw new ModelFormatError(
      `"${file}" has a "modelTopology" but no "weightsManifest": a TF.js layers model.json lists its weight files there ` +
        `("weightsManifest": [] for a model without weights); re-export it with tensorflowjs_converter`,
    );
  }
  if (!Array.isArray(manifest) || !manifest.every((g) => isObj(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw new ModelFormatError(`"${file}": "weightsManifest" must be a list of {paths: [...], weights: [...]}`);
  }
  manifest.forEach((g, gi) => checkManifestGroup(g, gi, file));
  return doc as unknown as TfjsModelJson;
}

const isDim = (d: unknown): boolean => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;

/**
 * Every field of a manifest group the reader relies on, checked before any is used: shard paths
 * are strings, each weight has a string name and dtype and a shape of whole numbers ≥ 0. Without
 * this a damaged model.json failed deep inside with a TypeError ("shape is not iterable"), or a
 * shape like [-2, -3] passed the size check (its product is positive).
 */
function checkManifestGroup(g: Record<string, any>, gi: number, file: string): void {
  const where = `"${file}": weightsManifest group ${gi + 1}`;
  g.paths.forEach((p: unknown, i: number) => {
    if (typeof p !== 'string' || p === '') throw new ModelFormatError(`${where}: shard path ${i + 1} is ${JSON.stringify(p)}, not a file name`);
  });
  g.weights.forEach((w: unknown, i: number) => {
    if (!isObj(w) || typeof w.name !== 'string' || w.name === '') {
      throw new ModelFormatError(`${where}: weight ${i + 1} has no name (${JSON.stringify(w)?.slice(0, 120)})`);
    }
    if (!Array.isArray(w.shape) || !w.shape.every(isDim)) {
      throw new ModelFormatError(`${where}: weight "${w.name}" has shape ${JSON.stringify(w.shape)}; a shape is a list of whole numbers ≥ 0`);
    }
    if (typeof w.dtype !== 'string') throw new ModelFormatError(`${where}: weight "${w.name}" has no dtype`);
    if (w.quantization !== undefined && (!isObj(w.quantization) || typeof w.quantization.dtype !== 'string')) {
      throw new ModelFormatError(`${where}: weight "${w.name}" has a quantization without a dtype`);
    }
  });
}

/** Every shard path the manifest refers to, in manifest order. */
export function tfjsShardPaths(json: TfjsModelJson): string[] {
  return json.weightsManifest.flatMap((g) => g.paths);
}

/** Bytes per element as stored in the shard. */
function storedBytes(spec: TfjsWeightSpec): number {
  const q = spec.quantization?.dtype;
  if (q) {
    if (q === 'uint8') return 1;
    if (q === 'uint16' || q === 'float16') return 2;
    throw new ModelFormatError(`Weight "${spec.name}": unsupported quantization dtype "${q}"`);
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new ModelFormatError(
    `Weight "${spec.name}" has dtype "${spec.dtype}"; only float32 and int32 weights ` +
      `(optionally uint8/uint16/float16-quantized) are supported`,
  );
}

/** Decodes one weight's bytes (an exact slice) to float32. */
function decodeWeight(spec: TfjsWeightSpec, bytes: Uint8Array): Float32Array {
  const n = sizeOf(spec.shape);
  // Copy so the typed-array views below are aligned whatever the weight's offset in the shard.
  // (`new Uint8Array(view)` copies; `.slice()` would not on a Node Buffer, whose slice is a view.)
  const buf = new Uint8Array(bytes).buffer;
  const q = spec.quantization;
  if (q?.dtype === 'float16') return float16ToFloat32(new Uint16Array(buf, 0, n));
  if (q) {
    const scale = q.scale;
    const min = q.min;
    if (typeof scale !== 'number' || typeof min !== 'number') {
      throw new ModelFormatError(`Weight "${spec.name}": ${q.dtype} quantization without numeric "scale" and "min"`);
    }
    const src = q.dtype === 'uint8' ? new Uint8Array(buf, 0, n) : new Uint16Array(buf, 0, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = src[i] * scale + min;
    return out;
  }
  if (spec.dtype === 'int32') return Float32Array.from(new Int32Array(buf, 0, n));
  return new Float32Array(buf, 0, n);
}

/**
 * Decodes every weight of the manifest. `shards` maps each manifest path to its bytes.
 * Throws when a group's shards do not hold exactly the bytes its weights need.
 */
export function decodeTfjsWeights(
  json: TfjsModelJson,
  shards: Map<string, Uint8Array>,
): { spec: TfjsWeightSpec; data: Float32Array }[] {
  const out: { spec: TfjsWeightSpec; data: Float32Array }[] = [];
  json.weightsManifest.forEach((group, gi) => {
    const parts = group.paths.map((p) => {
      const b = shards.get(p);
      if (!b) throw new ModelFormatError(`Weight shard "${p}" was not supplied`);
      return b;
    });
    const need = group.weights.reduce((s, w) => s + sizeOf(w.shape) * storedBytes(w), 0);
    const have = parts.reduce((s, b) => s + b.length, 0);
    if (need !== have) throw shardSizeError(group, gi, parts, need, have);
    const all = parts.length === 1 ? parts[0] : concat(parts, have);
    let off = 0;
    for (const spec of group.weights) {
      const len = sizeOf(spec.shape) * storedBytes(spec);
      out.push({ spec, data: decodeWeight(spec, all.subarray(off, off + len)) });
      off += len;
    }
  });
  return out;
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const all = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

/**
 * Names the shard most likely at fault: the converter writes equal-size shards except the last,
 * so a non-last shard of a different size than the first is the culprit, else the last one.
 */
function shardSizeError(
  group: TfjsManifestGroup,
  gi: number,
  parts: Uint8Array[],
  need: number,
  have: number,
): ModelFormatError {
  let bad = parts.length - 1;
  for (let i = 1; i < parts.length - 1; i++) if (parts[i].length !== parts[0].length) bad = i;
  if (parts.length > 1 && parts[0].length < parts[1].length) bad = 0;
  return new ModelFormatError(
    `Weight shard "${group.paths[bad]}" is truncated or has the wrong size: weights group ${gi + 1} ` +
      `(${group.paths.join(', ')}) needs ${need} bytes according to the manifest, but its shards hold ${have} bytes ` +
      `("${group.paths[bad]}" has ${parts[bad].length} bytes)`,
  );
}

/** The Keras version recorded in a model.json, or "". */
export function tfjsKerasVersion(json: TfjsModelJson): string {
  const topo = json.modelTopology;
  if (isObj(topo) && typeof topo.keras_version === 'string') return topo.keras_version;
  for (const s of [json.generatedBy, json.convertedBy]) {
    const m = typeof s === 'string' ? /keras\s+v?(\d+\.\d+(?:\.\d+)?)/i.exec(s) : null;
    if (m) return m[1];
  }
  return '';
}

/** Builds the KerasModel from a parsed model.json and its shard bytes (keyed by manifest path). */
export function readTfjsLayersModel(json: TfjsModelJson, shards: Map<string, Uint8Array>, file: string, maxConfigDepth?: number): KerasModel {
  const top = unwrapTopology(json.modelTopology, file, maxConfigDepth);
  const tree = parseModelConfig(top.className, top.config, file);
  const weights = decodeTfjsWeights(json, shards).map(({ spec, data }) => ({ name: spec.name, shape: spec.shape, data }));
  attachNamedWeights(leafLayers(tree), weights, file);
  return flattenModel(tree, tfjsKerasVersion(json) || top.kerasVersion || versionFromDialect(top), 'tfjs-layers');
}
