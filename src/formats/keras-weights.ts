/**
 * What Keras itself knows about a layer's weights, which the files do not always say:
 * the names and order of each built-in layer's weights (Keras 3 `.keras` files store them only as
 * `vars/0`, `vars/1`, ...), and the checks that catch a weight landing on the wrong layer.
 */
import type { WeightTensor } from '../graph/ir.ts';
import { ModelFormatError } from '../errors.ts';
import { sizeOf } from '../tensor.ts';
import type { ConfigLayer } from './keras-config.ts';

const biasIf = (cfg: Record<string, any>): string[] => (cfg.use_bias === false ? [] : ['bias']);

/** Weight names in Keras order (`layer.weights`), by class; same in Keras 2 and 3. */
const WEIGHT_NAMES: Record<string, (cfg: Record<string, any>) => string[]> = {
  Dense: (c) => ['kernel', ...biasIf(c)],
  Conv1D: (c) => ['kernel', ...biasIf(c)],
  Conv2D: (c) => ['kernel', ...biasIf(c)],
  Conv3D: (c) => ['kernel', ...biasIf(c)],
  Conv1DTranspose: (c) => ['kernel', ...biasIf(c)],
  Conv2DTranspose: (c) => ['kernel', ...biasIf(c)],
  Conv3DTranspose: (c) => ['kernel', ...biasIf(c)],
  // Keras 3 renamed DepthwiseConv's "depthwise_kernel" to "kernel" (see KERAS3_NAMES / ALIASES).
  DepthwiseConv1D: (c) => ['depthwise_kernel', ...biasIf(c)],
  DepthwiseConv2D: (c) => ['depthwise_kernel', ...biasIf(c)],
  SeparableConv1D: (c) => ['depthwise_kernel', 'pointwise_kernel', ...biasIf(c)],
  SeparableConv2D: (c) => ['depthwise_kernel', 'pointwise_kernel', ...biasIf(c)],
  BatchNormalization: (c) => [
    ...(c.scale === false ? [] : ['gamma']),
    ...(c.center === false ? [] : ['beta']),
    'moving_mean',
    'moving_variance',
  ],
  // Keras 3's (deprecated) rms_scaling keeps gamma even with scale=False and drops beta.
  LayerNormalization: (c) => [
    ...(c.scale === false && c.rms_scaling !== true ? [] : ['gamma']),
    ...(c.center === false || c.rms_scaling === true ? [] : ['beta']),
  ],
  GroupNormalization: (c) => [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])],
  PReLU: () => ['alpha'],
  Embedding: () => ['embeddings'],
};

/** Classes known to hold no weights at all (so a missing weights group is fine). */
const WEIGHTLESS = new Set(
  (
    'InputLayer Activation ReLU LeakyReLU ELU Softmax ThresholdedReLU Flatten Reshape Permute RepeatVector ' +
    'Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D GaussianNoise GaussianDropout AlphaDropout ' +
    'ActivityRegularization Identity Add Subtract Multiply Average Maximum Minimum Concatenate Dot ' +
    'MaxPooling1D MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D ' +
    'GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D GlobalAveragePooling2D ' +
    'GlobalAveragePooling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D Cropping1D Cropping2D Cropping3D ' +
    'UpSampling1D UpSampling2D UpSampling3D Rescaling Resizing CenterCrop Lambda TFOpLambda SlicingOpLambda'
  ).split(' '),
);

/** Other spellings of a weight name across Keras versions (Keras 2 name → Keras 3 name). */
const ALIASES: Record<string, string> = { depthwise_kernel: 'kernel' };
const KERAS3_RENAMED = new Set(['DepthwiseConv1D', 'DepthwiseConv2D']);

/**
 * The names of a layer's weights in Keras order, `[]` for layers without weights,
 * or `undefined` when the class is not one we know (custom layers: trust the file).
 * `kerasMajor` picks the spelling where Keras 3 renamed a weight (DepthwiseConv2D's kernel).
 */
export function expectedWeightNames(
  className: string,
  config: Record<string, any>,
  kerasMajor: 2 | 3 = 2,
): string[] | undefined {
  // Own keys only: a class named "constructor" or "__proto__" must not find Object.prototype's.
  const rule = Object.hasOwn(WEIGHT_NAMES, className) ? WEIGHT_NAMES[className] : undefined;
  if (rule) {
    const names = rule(config);
    return kerasMajor === 3 && KERAS3_RENAMED.has(className) ? names.map((n) => (Object.hasOwn(ALIASES, n) ? ALIASES[n] : n)) : names;
  }
  return WEIGHTLESS.has(className) ? [] : undefined;
}

/** The weight among `weights` that is Keras' `name`, in either version's spelling. */
function findWeight<T extends { name: string }>(weights: readonly T[], name: string): T | undefined {
  const alias = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
  return weights.find((w) => w.name === name) ?? weights.find((w) => w.name === alias);
}

/**
 * Keras' `naming.to_snake_case`, used by Keras 3 to name weight groups in `.keras` files
 * ("GlobalAveragePooling2D" → "global_average_pooling2d", "ReLU" → "re_lu").
 */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Puts weights read by name ("kernel", "bias", ...) into Keras order. When the names are exactly
 * the ones Keras would use for this class, Keras' order wins (files list nested models' weights
 * trainable-first, which splits BatchNormalization); otherwise the file's order is kept.
 */
export function orderWeights(
  className: string,
  config: Record<string, any>,
  weights: WeightTensor[],
): WeightTensor[] {
  const expected = expectedWeightNames(className, config);
  if (!expected || expected.length !== weights.length) return weights;
  if (new Set(weights.map((w) => w.name)).size !== weights.length) return weights;
  const ordered = expected.map((n) => findWeight(weights, n));
  return ordered.every((w) => w !== undefined) ? (ordered as WeightTensor[]) : weights;
}

const lastDimMustBe = (w: WeightTensor | undefined, n: unknown): boolean =>
  !w || typeof n !== 'number' || w.shape[w.shape.length - 1] === n;
const secondLastDimMustBe = (w: WeightTensor | undefined, n: unknown): boolean =>
  !w || typeof n !== 'number' || w.shape[w.shape.length - 2] === n;

/**
 * Checks one layer's weights against its config: every expected weight present, each one's data
 * filling its shape, and the output-size dimensions agreeing with `filters`/`units`. Throws a
 * ModelFormatError naming the layer and the weight; catches weights attached to the wrong layer.
 */
export function checkLayerWeights(
  layerName: string,
  className: string,
  config: Record<string, any>,
  weights: readonly WeightTensor[],
): void {
  for (const w of weights) {
    if (w.data.length !== sizeOf(w.shape)) {
      throw new ModelFormatError(
        `Layer "${layerName}" weight "${w.name}": ${w.data.length} values for shape [${w.shape.join(', ')}] ` +
          `(${sizeOf(w.shape)} expected)`,
      );
    }
  }
  const expected = expectedWeightNames(className, config);
  if (!expected) return;
  const names = weights.map((w) => w.name);
  const missing = expected.filter((n) => !findWeight(weights, n));
  if (missing.length > 0 || names.length !== expected.length) {
    throw new ModelFormatError(
      `Layer "${layerName}" (${className}) ` +
        (missing.length > 0 ? `is missing weight(s) ${missing.map((m) => `"${m}"`).join(', ')}` : 'has unexpected weights') +
        `: expected [${expected.join(', ')}], the file has [${names.join(', ')}]`,
    );
  }
  const get = (n: string) => findWeight(weights, n);
  const out = config.filters ?? config.units;
  const checks: [string, boolean][] = [
    // Conv*Transpose kernels are [..., filters, in]: the filters are the second-to-last axis.
    ['kernel', className.endsWith('Transpose') ? secondLastDimMustBe(get('kernel'), out) : lastDimMustBe(get('kernel'), out)],
    ['pointwise_kernel', lastDimMustBe(get('pointwise_kernel'), out)],
    ['bias', className.startsWith('Depthwise') || lastDimMustBe(get('bias'), out)],
  ];
  if (className === 'BatchNormalization' || className.endsWith('Normalization')) {
    const len = weights[0]?.data.length;
    for (const w of weights) checks.push([w.name, w.data.length === len]);
  }
  for (const [name, ok] of checks) {
    if (!ok) {
      const w = get(name)!;
      throw new ModelFormatError(
        `Layer "${layerName}" (${className}) weight "${name}" has shape [${w.shape.join(', ')}], ` +
          `which does not fit the layer's config (filters/units = ${out ?? '?'}): wrong weights for this layer?`,
      );
    }
  }
}

/** Splits "model/conv2d_1/kernel:0" into the layer it belongs to and "kernel". */
function ownerOf(weightName: string, layers: Map<string, ConfigLayer>): { layer?: ConfigLayer; short: string } {
  const segs = weightName.replace(/:\d+$/, '').split('/');
  const short = segs[segs.length - 1];
  // Innermost scope first: "block/lstm/lstm_cell/kernel" belongs to "lstm" when no "lstm_cell" layer exists.
  for (let i = segs.length - 2; i >= 0; i--) {
    const l = layers.get(segs[i]);
    if (l) return { layer: l, short };
  }
  return { short };
}

/** Attaches weights found by "layer/weight" names to the leaf layers, then checks every leaf. */
export function attachNamedWeights(
  leaves: ConfigLayer[],
  named: { name: string; shape: number[]; data: Float32Array }[],
  file: string,
): void {
  const byName = new Map(leaves.map((l) => [l.name, l]));
  const found = new Map<ConfigLayer, WeightTensor[]>();
  for (const w of named) {
    const { layer, short } = ownerOf(w.name, byName);
    if (!layer) {
      throw new ModelFormatError(`"${file}": weight "${w.name}" belongs to no layer of the model`);
    }
    const list = found.get(layer) ?? [];
    if (list.some((x) => x.name === short)) {
      throw new ModelFormatError(`"${file}": layer "${layer.name}" has two weights named "${short}"`);
    }
    list.push({ name: short, shape: w.shape, data: w.data });
    found.set(layer, list);
  }
  for (const l of leaves) {
    l.weights = orderWeights(l.className, l.config, found.get(l) ?? []);
    checkLayerWeights(l.name, l.className, l.config, l.weights);
  }
}

