/**
 * The one place that reads Keras model-config JSON, whatever file it came from (tfjs `modelTopology`,
 * h5 `model_config` attribute, `.keras` `config.json`, `model.to_json()`), Keras 2 or Keras 3 dialect.
 *
 * It produces a *tree* (`ConfigModel`): nested models (a backbone used as a layer) stay nested here
 * because the weight files are laid out by that nesting. Readers attach weights to the tree's leaf
 * layers, then `flattenModel` (flatten.ts) turns the tree into the flat `KerasModel`.
 */
import type { WeightTensor } from '../graph/ir.ts';
import type { InboundRef } from './keras-model.ts';
import { ModelFormatError } from '../errors.ts';
import { checkValueDepth, parseJson } from './json.ts';

/** One layer entry of a model config, normalised. */
export interface ConfigLayer {
  name: string;
  className: string;
  /** The layer config with Keras 3 quirks normalised (see `normaliseLayerConfig`). */
  config: Record<string, any>;
  /** One entry per call; refs name layers of the same (sub)model. */
  inbound: InboundRef[][];
  /** Set when this "layer" is itself a Functional/Sequential model. */
  model?: ConfigModel;
  /** Attached by the reader (leaf layers only). */
  weights: WeightTensor[];
}

/** A (sub)model: its layers, in config order, and its inputs/outputs. */
export interface ConfigModel {
  name: string;
  className: string;
  layers: ConfigLayer[];
  /**
   * Keras' `model.layers`: the list whose order Keras 3 uses to name weight groups. It is `layers`
   * without a Sequential's InputLayer (Keras hides that one), and never holds a synthesised input.
   */
  savedLayers: ConfigLayer[];
  inputs: InboundRef[];
  outputs: InboundRef[];
  /** Parallel to `inputs`; `undefined` when the config declares no shape. */
  inputShapes: ((number | null)[] | undefined)[];
}

/** The top of a config document after unwrapping. */
export interface UnwrappedTopology {
  className: string;
  config: unknown;
  /** `keras_version` found next to the config, if any. */
  kerasVersion?: string;
}

const MODEL_CLASSES = new Set(['Functional', 'Model', 'Sequential']);
const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for class names that denote a nested model rather than a layer. */
export function isModelClass(className: string): boolean {
  return MODEL_CLASSES.has(className);
}

/**
 * Finds the model config in the wrappings seen in the wild: a JSON string, `{model_config: ...}`
 * (tfjs converter, h5), `{class_name, config, keras_version}` (to_json, .keras, tfjs).
 * `what` names the source for messages. The config's nesting is checked against `maxDepth`
 * (limits.maxConfigDepth) first, without recursion: everything after this walks it recursively.
 */
export function unwrapTopology(doc: unknown, what: string, maxDepth?: number): UnwrappedTopology {
  let v: unknown = doc;
  let kerasVersion: string | undefined;
  if (typeof v !== 'string') checkValueDepth(v, what, maxDepth);
  for (let depth = 0; depth < 4; depth++) {
    if (typeof v === 'string') {
      v = parseJson(v, `${what}: the model config`, maxDepth);
      continue;
    }
    if (!isObj(v)) break;
    if (typeof v.keras_version === 'string') kerasVersion ??= v.keras_version;
    if ('model_config' in v) {
      v = v.model_config;
      continue;
    }
    if (typeof v.class_name === 'string' && 'config' in v) {
      if (!isModelClass(v.class_name)) {
        throw new ModelFormatError(
          `${what}: the config describes a "${v.class_name}", not a Keras model (Sequential or Functional)`,
        );
      }
      return { className: v.class_name, config: v.config, kerasVersion };
    }
    break;
  }
  throw new ModelFormatError(
    `${what}: not a Keras model config (expected {"class_name": "Sequential" | "Functional", "config": {...}}, ` +
      `possibly inside "model_config" or "modelTopology")`,
  );
}

/**
 * The Keras version to record when the file states none: "3" when the config is written in the
 * Keras 3 dialect (keras_history tensors, DTypePolicy dicts, batch_shape), else "". It matters
 * because Keras 2 and 3 disagree on some activations (hard_sigmoid), and "" is read as Keras 2.
 */
export function versionFromDialect(top: UnwrappedTopology): string {
  const text = JSON.stringify(top.config) ?? '';
  return /"__keras_tensor__"|"DTypePolicy"|"batch_shape"/.test(text) ? '3' : '';
}

/**
 * Rewrites Keras 3 spellings into the Keras 2 ones downstream code reads, keeping every other key:
 * `batch_shape` → `batch_input_shape`, dtype-policy dicts → their policy name ("float32",
 * "mixed_float16"), activations serialised as dicts (`{class_name: "function", config: "relu"}`) → the name.
 */
export function normaliseLayerConfig(raw: unknown): Record<string, any> {
  const cfg: Record<string, any> = isObj(raw) ? { ...raw } : {};
  if (cfg.batch_shape !== undefined && cfg.batch_input_shape === undefined) cfg.batch_input_shape = cfg.batch_shape;
  if (isObj(cfg.dtype)) {
    const name = isObj(cfg.dtype.config) ? cfg.dtype.config.name : undefined;
    cfg.dtype = typeof name === 'string' ? name : 'float32';
  }
  for (const key of ['activation', 'recurrent_activation']) {
    const a = cfg[key];
    if (isObj(a)) {
      if (typeof a.config === 'string') cfg[key] = a.config;
      else if (a.class_name === 'function' && isObj(a.config) && typeof a.config.name === 'string') {
        cfg[key] = a.config.name;
      }
    }
  }
  return cfg;
}

function refFrom(v: unknown, what: string): InboundRef {
  if (Array.isArray(v) && typeof v[0] === 'string') {
    return { layer: v[0], nodeIndex: Number(v[1] ?? 0), tensorIndex: Number(v[2] ?? 0) };
  }
  throw new ModelFormatError(`${what}: expected [layerName, nodeIndex, tensorIndex], got ${JSON.stringify(v)}`);
}

/** `input_layers`/`output_layers`: Keras 2 `[[n,0,0],...]`, Keras 3 `[n,0,0]` for one, or a dict. */
function refList(v: unknown, what: string): InboundRef[] {
  if (isObj(v)) v = Object.values(v);
  if (!Array.isArray(v)) throw new ModelFormatError(`${what}: missing or not a list`);
  if (typeof v[0] === 'string') return [refFrom(v, what)];
  return v.map((r) => refFrom(r, what));
}

/** Collects Keras 3 `__keras_tensor__` references from call args (merge layers pass a list). */
function collectKerasTensors(v: unknown, out: InboundRef[], what: string): void {
  if (Array.isArray(v)) {
    for (const x of v) collectKerasTensors(x, out, what);
  } else if (isObj(v)) {
    if (v.class_name === '__keras_tensor__' && isObj(v.config)) out.push(refFrom(v.config.keras_history, what));
  }
}

/** One call of a layer: Keras 2 `[[name, node, tensor, kwargs], ...]` or Keras 3 `{args, kwargs}`. */
function parseNode(node: unknown, what: string): InboundRef[] {
  // Keras 2 writes constants passed to TF-op layers as ["_CONSTANT_VALUE", -1, value]: not tensors.
  if (Array.isArray(node)) return node.filter((r) => !(Array.isArray(r) && r[0] === '_CONSTANT_VALUE')).map((r) => refFrom(r, what));
  if (isObj(node) && 'args' in node) {
    const refs: InboundRef[] = [];
    collectKerasTensors(node.args, refs, what);
    return refs;
  }
  throw new ModelFormatError(`${what}: unrecognised inbound node ${JSON.stringify(node).slice(0, 200)}`);
}

function parseLayer(entry: unknown, index: number, where: string): ConfigLayer {
  if (!isObj(entry) || typeof entry.class_name !== 'string') {
    throw new ModelFormatError(`${where}: layer #${index} has no "class_name"`);
  }
  const name = typeof entry.name === 'string' ? entry.name : isObj(entry.config) ? entry.config.name : undefined;
  if (typeof name !== 'string' || name === '') {
    throw new ModelFormatError(`${where}: layer #${index} (${entry.class_name}) has no name`);
  }
  const what = `${where}: layer "${name}"`;
  const nodes = Array.isArray(entry.inbound_nodes) ? entry.inbound_nodes : [];
  const layer: ConfigLayer = {
    name,
    className: entry.class_name,
    config: normaliseLayerConfig(entry.config),
    inbound: nodes.map((n: unknown) => parseNode(n, what)),
    weights: [],
  };
  if (isModelClass(entry.class_name)) layer.model = parseModelConfig(entry.class_name, entry.config, what);
  return layer;
}

/**
 * An input layer's declared shape. A size must be a whole number ≥ 1 or null (any): a zero or
 * negative one (a damaged or hand-written config) would otherwise surface far away, as a resize
 * to a negative size or a plan of empty buffers.
 */
const shapeOf = (cfg: Record<string, any>): (number | null)[] | undefined => {
  const s = cfg.batch_input_shape ?? cfg.batch_shape;
  if (!Array.isArray(s)) return undefined;
  const shape = s.map((d: unknown) => (typeof d === 'number' ? d : null));
  const bad = shape.find((d) => d !== null && !(Number.isSafeInteger(d) && d >= 1));
  if (bad !== undefined) {
    throw new ModelFormatError(
      `Input layer "${cfg.name}" declares the shape ${JSON.stringify(s)}: sizes must be whole numbers ≥ 1 or null, not ${bad}`,
    );
  }
  return shape;
};

/**
 * Parses a Sequential or Functional config (already unwrapped) into a `ConfigModel`.
 * A Sequential becomes a chain with `inbound` filled; when it has no InputLayer one is synthesised
 * (named `<first>_input`, as Keras 2 does) from the first layer's `batch_input_shape`.
 */
export function parseModelConfig(className: string, config: unknown, where = 'model config'): ConfigModel {
  // Keras ≤ 2.2 Sequential configs are a bare list of layers.
  const cfg: Record<string, any> = Array.isArray(config) ? { layers: config } : isObj(config) ? config : {};
  if (!Array.isArray(cfg.layers)) throw new ModelFormatError(`${where}: the ${className} config has no "layers" list`);
  const name = typeof cfg.name === 'string' ? cfg.name : className.toLowerCase();
  const layers = cfg.layers.map((e: unknown, i: number) => parseLayer(e, i, `${where} "${name}"`));
  const byName = new Map<string, ConfigLayer>();
  for (const l of layers) {
    if (byName.has(l.name)) throw new ModelFormatError(`${where}: two layers are named "${l.name}"`);
    byName.set(l.name, l);
  }
  if (className === 'Sequential') return sequentialChain(name, layers, cfg, where);

  const inputs = refList(cfg.input_layers, `${where}: "input_layers"`);
  const outputs = refList(cfg.output_layers, `${where}: "output_layers"`);
  for (const l of layers) {
    for (const ref of l.inbound.flat()) {
      if (!byName.has(ref.layer)) {
        throw new ModelFormatError(`${where}: layer "${l.name}" takes input from unknown layer "${ref.layer}"`);
      }
    }
  }
  for (const ref of [...inputs, ...outputs]) {
    if (!byName.has(ref.layer)) throw new ModelFormatError(`${where}: model input/output names unknown layer "${ref.layer}"`);
  }
  return {
    name,
    className,
    layers,
    savedLayers: layers,
    inputs,
    outputs,
    inputShapes: inputs.map((r) => shapeOf(byName.get(r.layer)!.config)),
  };
}

function sequentialChain(name: string, layers: ConfigLayer[], cfg: Record<string, any>, where: string): ConfigModel {
  if (layers.length === 0) throw new ModelFormatError(`${where}: the Sequential model "${name}" has no layers`);
  let input = layers[0];
  const hasInputLayer = input.className === 'InputLayer';
  if (!hasInputLayer) {
    const first = layers[0];
    const shape =
      first.config.batch_input_shape ?? cfg.build_input_shape ?? (isObj(cfg.build_config) ? cfg.build_config.input_shape : undefined);
    input = {
      name: `${first.name}_input`,
      className: 'InputLayer',
      config: { name: `${first.name}_input`, batch_input_shape: shape, dtype: first.config.dtype ?? 'float32' },
      inbound: [],
      weights: [],
    };
  }
  const chain = hasInputLayer ? layers : [input, ...layers];
  for (let i = 1; i < chain.length; i++) {
    if (chain[i].className === 'InputLayer') {
      throw new ModelFormatError(`${where}: InputLayer "${chain[i].name}" in the middle of Sequential "${name}"`);
    }
    chain[i].inbound = [[{ layer: chain[i - 1].name, nodeIndex: 0, tensorIndex: 0 }]];
  }
  const last = chain[chain.length - 1];
  return {
    name,
    className: 'Sequential',
    layers: chain,
    savedLayers: chain.slice(1),
    inputs: [{ layer: input.name, nodeIndex: 0, tensorIndex: 0 }],
    outputs: [{ layer: last.name, nodeIndex: 0, tensorIndex: 0 }],
    inputShapes: [shapeOf(input.config)],
  };
}

/** Every non-model layer of the tree, depth first, each once. */
export function leafLayers(model: ConfigModel): ConfigLayer[] {
  const out: ConfigLayer[] = [];
  for (const l of model.layers) {
    if (l.model) out.push(...leafLayers(l.model));
    else out.push(l);
  }
  return out;
}
