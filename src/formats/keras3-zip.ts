/**
 * Keras 3 `.keras` files: a zip of `config.json`, `metadata.json` ({keras_version, date_saved}) and
 * `model.weights.h5`.
 *
 * The weights file does not use layer names. Keras 3 (saving_lib `_save_container_state`) walks
 * `model.layers` in order and names each layer's group after its *class*, snake_cased, with a
 * per-class counter: the first Conv2D is `layers/conv2d`, the next `layers/conv2d_1`, then
 * `layers/conv2d_2`; a GlobalAveragePooling2D is `layers/global_average_pooling2d`, a ReLU
 * `layers/re_lu`. Variables are datasets `vars/0`, `vars/1`, ... in `layer.weights` order.
 * `model.layers` includes a Functional model's InputLayers (`layers/input_layer`, `input_layer_1`)
 * but not a Sequential's InputLayer. A nested model is a group like any layer (`layers/functional`,
 * `layers/sequential`) whose own layers sit under it: `layers/functional/layers/conv2d/vars/0`.
 * Recent Keras writes the layer's real name as attribute `name` on each `vars` group; when present
 * it is checked, so a mismatch between this rule and the file is an error, not a silent mix-up.
 */
import { unzipSync } from 'fflate';
import type { WeightTensor } from '../graph/ir.ts';
import type { KerasModel } from './keras-model.ts';
import { LimitError, ModelFormatError } from '../errors.ts';
import { checkLimit, type EngineLimits } from '../limits.ts';
import { parseJson } from './json.ts';
import { attrString, h5Address, h5Child, h5Keys, isGroup, openH5, readFloatDataset, type H5Group } from './h5.ts';
import { parseModelConfig, unwrapTopology, type ConfigModel } from './keras-config.ts';
import { checkLayerWeights, expectedWeightNames, snakeCase } from './keras-weights.ts';
import { flattenModel } from './flatten.ts';

/** True when the bytes start with a zip local-file header ("PK\x03\x04"). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The entries a .keras file is read for; others (assets, variables of sharded saves) are never inflated. */
const NEEDED = new Set(['config.json', 'metadata.json', 'model.weights.h5']);

/**
 * Reads a `.keras` zip into a KerasModel. `file` names it in messages. Each entry's inflated size,
 * as the zip's directory states it, is checked against `limits.maxModelBytes` before inflating (a
 * zip bomb stops there); configs go through parseJson (json.ts), so their depth is checked too.
 */
export function readKerasZip(bytes: Uint8Array, file: string, limits?: Partial<EngineLimits>): KerasModel {
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  const parse = (b: Uint8Array, what: string) => parseJson(new TextDecoder().decode(b), what, limits?.maxConfigDepth);
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        if (!NEEDED.has(f.name)) return false;
        checkLimit(limits, 'maxModelBytes', f.originalSize, `"${file}/${f.name}" (inflated)`, 'bytes');
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LimitError) throw e;
    throw new ModelFormatError(`"${file}" is not a readable zip (truncated or corrupt?): ${(e as Error).message}`, {
      cause: e,
    });
  }
  const config = entries['config.json'];
  if (!config) {
    throw new ModelFormatError(
      `"${file}" is a zip but not a Keras 3 .keras file (no config.json; it has ${names.join(', ') || 'nothing'})`,
    );
  }
  const weights = entries['model.weights.h5'];
  if (!weights) {
    const sharded = names.some((k) => k.endsWith('.weights.json'));
    throw new ModelFormatError(
      `"${file}" has no model.weights.h5` + (sharded ? ' (sharded weights are not supported yet)' : ''),
    );
  }
  const meta = entries['metadata.json'] ? parse(entries['metadata.json'], `${file}/metadata.json`) : {};
  const top = unwrapTopology(parse(config, `${file}/config.json`), `${file}/config.json`, limits?.maxConfigDepth);
  const tree = parseModelConfig(top.className, top.config, `${file}/config.json`);
  attachKeras3Weights(tree, openH5(weights, `${file}/model.weights.h5`), `${file}/model.weights.h5`);
  const version =
    typeof (meta as Record<string, unknown>).keras_version === 'string'
      ? ((meta as Record<string, unknown>).keras_version as string)
      : (top.kerasVersion ?? '');
  return flattenModel(tree, version, 'keras3-keras');
}

/**
 * Attaches weights from a weights h5 in the `.keras` layout to the config tree. Keras 3 walks
 * `layers/`; tf.keras 2.13–2.15 (which also wrote `.keras` files) walked the model's attributes
 * alphabetically, reaching `_layer_checkpoint_dependencies` first: the same class-name counters, but
 * that dict lists every layer with weights twice (`layer_with_weights-k`, then `layer-i`), and the
 * skipped duplicate still bumps the counter. That variant follows tf.keras' source; no such file was
 * available to check it, so every weight group in the file must be claimed by some layer (below),
 * and kernels must fit their layer's config, or the read fails.
 */
export function attachKeras3Weights(tree: ConfigModel, root: H5Group, file: string): void {
  const keys = h5Keys(file, root);
  const legacy = !keys.includes('layers') && keys.includes('_layer_checkpoint_dependencies');
  const top = legacy ? '_layer_checkpoint_dependencies' : 'layers';
  const consumed = new Set<string>();
  walk(tree, top, { root, file, legacy, consumed });
  const stray = unclaimedVars(file, root, top, consumed);
  if (stray.length > 0) {
    throw new ModelFormatError(
      `"${file}" has weights that no layer of the model config takes (${stray.slice(0, 5).join(', ')}` +
        `${stray.length > 5 ? ', ...' : ''}): the config and the weights do not match, or a layer keeps ` +
        `weights in sub-objects, which is not supported`,
    );
  }
}

interface WalkContext {
  root: H5Group;
  file: string;
  legacy: boolean;
  consumed: Set<string>;
}

function walk(model: ConfigModel, prefix: string, ctx: WalkContext): void {
  const used = new Map<string, number>();
  // saving_lib._get_unique_name: first use plain, then _1, _2, ... per snake-cased class name.
  const unique = (cls: string): string => {
    const base = snakeCase(cls);
    const count = used.get(base);
    used.set(base, count === undefined ? 0 : count + 1);
    return count === undefined ? base : `${base}_${count + 1}`;
  };
  for (const layer of model.savedLayers) {
    const path = `${prefix}/${unique(layer.className)}`;
    if (ctx.legacy && hasWeights(layer.model ? undefined : layer, layer.model, `${path}/vars`, ctx)) {
      unique(layer.className); // the `layer-i` duplicate of `layer_with_weights-k`
    }
    if (layer.model) {
      walk(layer.model, `${path}/${ctx.legacy ? '_layer_checkpoint_dependencies' : 'layers'}`, ctx);
      continue;
    }
    layer.weights = readVars(layer, `${path}/vars`, ctx);
    ctx.consumed.add(`${path}/vars`);
    checkLayerWeights(layer.name, layer.className, layer.config, layer.weights);
  }
}

/** Whether a layer (or nested model) has weights, for tf.keras 2's duplicate-entry counting. */
function hasWeights(
  layer: ConfigModel['layers'][number] | undefined,
  model: ConfigModel | undefined,
  varsPath: string,
  ctx: WalkContext,
): boolean {
  if (model) return model.savedLayers.some((l) => hasWeights(l.model ? undefined : l, l.model, '', ctx));
  const expected = expectedWeightNames(layer!.className, layer!.config);
  if (expected) return expected.length > 0;
  const g = varsPath ? h5Child(ctx.file, ctx.root, varsPath) : undefined;
  return isGroup(g) && h5Keys(ctx.file, g).length > 0;
}

/** Keras nests groups a handful of levels deep (layers/functional/layers/conv2d/vars); far more is not Keras. */
const MAX_GROUP_DEPTH = 64;

/** Paths of `vars` groups holding datasets under `top` that the walk did not read. */
function unclaimedVars(file: string, root: H5Group, top: string, consumed: Set<string>): string[] {
  const out: string[] = [];
  // Groups on the current path, by file address: a link back to one of them is a cycle (found by
  // the fuzzer: one changed byte in a symbol table made a group its own member, and this walk
  // recursed for seconds until the stack overflowed).
  const ancestors = new Set<number>();
  const visit = (g: H5Group, path: string, depth: number): void => {
    const address = h5Address(g);
    if ((address !== undefined && ancestors.has(address)) || depth > MAX_GROUP_DEPTH) {
      throw new ModelFormatError(`"${file}": group "${path}" contains itself or nests more than ${MAX_GROUP_DEPTH} deep: not a Keras weights file`);
    }
    if (address !== undefined) ancestors.add(address);
    for (const k of h5Keys(file, g)) {
      const child = h5Child(file, g, k);
      if (!isGroup(child)) {
        if (!consumed.has(path)) out.push(path);
        break;
      }
      visit(child, `${path}/${k}`, depth + 1);
    }
    if (address !== undefined) ancestors.delete(address);
  };
  const g = h5Child(file, root, top);
  if (isGroup(g)) visit(g, top, 0);
  return [...new Set(out)];
}

function readVars(layer: ConfigModel['layers'][number], path: string, ctx: WalkContext): WeightTensor[] {
  const { name: layerName, className, config } = layer;
  const { root, file } = ctx;
  // Weight names are not stored: take Keras' own, in the spelling of the Keras that wrote the file.
  const expected = expectedWeightNames(className, config, ctx.legacy ? 2 : 3);
  const group = h5Child(file, root, path);
  if (!isGroup(group)) {
    if (expected && expected.length === 0) return [];
    throw new ModelFormatError(`"${file}": no weights for layer "${layerName}" (${className}): "${path}" is missing`);
  }
  const savedName = attrString(file, group, 'name');
  if (savedName !== undefined && savedName !== layerName) {
    throw new ModelFormatError(
      `"${file}": weights group "${path}" belongs to layer "${savedName}", but the config puts "${layerName}" there; ` +
        `the file's layer order does not match its config`,
    );
  }
  const keys = h5Keys(file, group)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b));
  keys.forEach((k, i) => {
    if (Number(k) !== i) throw new ModelFormatError(`"${file}": "${path}" has vars ${keys.join(', ')}: a gap at ${i}`);
  });
  if (expected && expected.length !== keys.length) {
    throw new ModelFormatError(
      `"${file}": layer "${layerName}" (${className}) has ${keys.length} weight(s) at "${path}", ` +
        `expected ${expected.length} (${expected.join(', ') || 'none'})`,
    );
  }
  return keys.map((k, i) => {
    const ds = h5Child(file, group, k);
    if (!ds || isGroup(ds)) throw new ModelFormatError(`"${file}": "${path}/${k}" is not a dataset`);
    const wname = expected ? expected[i] : k;
    const { shape, data } = readFloatDataset(file, ds, `layer "${layerName}" weight "${wname}" (${path}/${k})`);
    return { name: wname, shape, data };
  });
}
