/**
 * Keras `.h5` files in the "legacy" layout:
 * - Keras 2 full model (`model.save('x.h5')`): root attrs `model_config`, `keras_version`; weights in
 *   `model_weights/<layer>/` with a `weight_names` attribute;
 * - Keras 3 legacy h5 (`model.save('x.h5')` in Keras 3): same layout, Keras 3 config dialect, weight
 *   names without ":0" and sometimes prefixed with the model name ("seq/dense_1/kernel");
 * - weights-only (`save_weights('x.h5')`, Keras 2 style): root attr `layer_names` + groups per layer;
 *   the architecture (`model.to_json()`) comes separately.
 * Keras 3 `.weights.h5` (the `.keras` layout) is handed to keras3-zip.ts.
 *
 * Weight order comes from each group's `weight_names` attribute, never from HDF5 iteration order
 * (alphabetical: bias before kernel). A nested model's group holds all its inner layers' weights;
 * each goes to the inner layer named by its innermost scope ("bb_conv/kernel" → layer "bb_conv").
 */
import type { KerasModel } from './keras-model.ts';
import { ModelFormatError } from '../errors.ts';
import { attrString, attrStrings, h5Child, h5Keys, isGroup, openH5, readFloatDataset, type H5Group } from './h5.ts';
import { leafLayers, parseModelConfig, unwrapTopology, versionFromDialect, type ConfigModel } from './keras-config.ts';
import { attachNamedWeights } from './keras-weights.ts';
import { attachKeras3Weights } from './keras3-zip.ts';
import { flattenModel } from './flatten.ts';

/** Options for `readKerasH5`. */
export interface KerasH5Options {
  /** Architecture JSON (`model.to_json()`, string or parsed) for a weights-only file. */
  architecture?: unknown;
  /** limits.maxConfigDepth for the config (see json.ts). */
  maxConfigDepth?: number;
}

/** What kind of Keras h5 the bytes hold, without reading the weights. */
export type KerasH5Kind = 'full-model' | 'legacy-weights' | 'keras3-weights' | 'unknown';

/** Classifies an opened h5 file. */
function kindOf(file: string, root: H5Group): KerasH5Kind {
  if (attrString(file, root, 'model_config') !== undefined) return 'full-model';
  if (attrStrings(file, root, 'layer_names') !== undefined) return 'legacy-weights';
  const keys = h5Keys(file, root);
  if (keys.includes('layers') || keys.includes('vars')) return 'keras3-weights';
  return 'unknown';
}

/** Reads an h5 model (or weights file + `options.architecture`) into a KerasModel. */
export function readKerasH5(bytes: Uint8Array, file: string, options: KerasH5Options = {}): KerasModel {
  const root = openH5(bytes, file);
  const kind = kindOf(file, root);
  if (kind === 'unknown') {
    throw new ModelFormatError(
      `"${file}" is an HDF5 file but not a Keras model or weights file ` +
        `(no "model_config" or "layer_names" attribute, no "layers" group)`,
    );
  }
  if (kind === 'full-model') {
    const top = unwrapTopology(attrString(file, root, 'model_config'), file, options.maxConfigDepth);
    const weightsRoot = h5Child(file, root, 'model_weights');
    if (!isGroup(weightsRoot)) {
      throw new ModelFormatError(`"${file}" has a model config but no "model_weights" group: it holds no weights`);
    }
    const version =
      attrString(file, root, 'keras_version') ?? attrString(file, weightsRoot, 'keras_version') ?? top.kerasVersion ?? '';
    const tree = parseModelConfig(top.className, top.config, file);
    attachLegacyWeights(tree, weightsRoot, file);
    return flattenModel(tree, version, version.startsWith('3') ? 'keras3-legacy-h5' : 'keras2-h5');
  }
  if (options.architecture === undefined) {
    throw new ModelFormatError(
      `"${file}" holds only weights; pass the model architecture too (the JSON from model.to_json(), ` +
        `as options.architecture or as a .json file next to it)`,
    );
  }
  const top = unwrapTopology(options.architecture, 'the architecture JSON', options.maxConfigDepth);
  const tree = parseModelConfig(top.className, top.config, 'the architecture JSON');
  if (kind === 'keras3-weights') {
    attachKeras3Weights(tree, root, file);
    // This layout exists only in Keras 3, so "3" is known even though neither file says more.
    return flattenModel(tree, top.kerasVersion ?? '3', 'keras3-weights-h5');
  }
  attachLegacyWeights(tree, root, file);
  const version = attrString(file, root, 'keras_version') ?? top.kerasVersion ?? versionFromDialect(top);
  return flattenModel(tree, version, 'keras-weights-h5');
}

/** Reads `<group>/<weight_name>` for every name in the group's `weight_names`. */
function readLayerGroup(file: string, group: H5Group, layerName: string) {
  const names = attrStrings(file, group, 'weight_names') ?? [];
  return names.map((wn) => {
    const ds = h5Child(file, group, wn);
    if (!ds || isGroup(ds)) {
      throw new ModelFormatError(
        `"${file}": layer "${layerName}" lists weight "${wn}" in weight_names, but the file has no such dataset`,
      );
    }
    const { shape, data } = readFloatDataset(file, ds, `layer "${layerName}" weight "${wn}"`);
    return { name: wn, shape, data };
  });
}

/** Attaches weights from a legacy-layout group (`model_weights`, or the root of a weights file). */
function attachLegacyWeights(tree: ConfigModel, weightsRoot: H5Group, file: string): void {
  const layerNames = attrStrings(file, weightsRoot, 'layer_names') ?? [];
  const known = new Set(tree.layers.map((l) => l.name));
  for (const n of layerNames) {
    const g = h5Child(file, weightsRoot, n);
    const holdsWeights = isGroup(g) && (attrStrings(file, g, 'weight_names') ?? []).length > 0;
    if (holdsWeights && !known.has(n)) {
      throw new ModelFormatError(
        `"${file}" has weights for layer "${n}", which the model architecture does not have: ` +
          `weights and architecture do not match`,
      );
    }
  }
  for (const layer of tree.layers) {
    const g = h5Child(file, weightsRoot, layer.name);
    const named = isGroup(g) ? readLayerGroup(file, g, layer.name) : [];
    if (layer.model) {
      // Names are scoped by the inner layer ("bb_conv/kernel", "head/h1/kernel"): route by scope.
      attachNamedWeights(leafLayers(layer.model), named, file);
    } else {
      // One layer: the group's own layer name is the owner, whatever prefix the names carry.
      const own = named.map((w) => ({ ...w, name: `${layer.name}/${w.name.replace(/:\d+$/, '').split('/').pop()}` }));
      attachNamedWeights([layer], own, file);
    }
  }
}
