/**
 * One small, valid model per Keras layer class the engine imports (src/ops/registry.ts): the
 * layer's config as Keras writes it, the input shape(s) it takes, and the shapes of its weights as
 * a function of its (possibly mutated) config, so that an attribute edit that Keras would accept
 * comes with weights that fit it and reaches the op's shape rule instead of stopping at the weight
 * check. Plus a few pairs that graph passes fuse (padding into a conv, BatchNorm and activations
 * into a conv, a pool after a conv), whose attributes passes read too.
 */

export interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
}

export interface LayerSeed {
  /** The layers applied in a chain (a merge layer takes all the model's inputs). */
  layers: LayerSpec[];
  /** Input shapes without the batch dimension. */
  inputs: number[][];
}

type Shapes = { name: string; shape: number[] }[];

/** A config value as a small positive integer, else the fallback (weights stay small and sane). */
const small = (v: unknown, fallback: number, max = 16): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max ? v : fallback);
const tuple = (v: unknown, n: number, fallback: number[], max = 16): number[] =>
  Array.isArray(v) && v.length === n ? v.map((x, i) => small(x, fallback[i], max)) : typeof v === 'number' ? new Array(n).fill(small(v, fallback[0], max)) : fallback;
const bias = (c: Record<string, unknown>, n: number): Shapes => (c.use_bias === false ? [] : [{ name: 'bias', shape: [n] }]);

/** Weight shapes by class, from the config and the input channels `cin`. */
export function weightShapes(className: string, c: Record<string, unknown>, input: number[]): Shapes {
  const cin = input[input.length - 1];
  const filters = small(c.filters, 3, 64);
  switch (className) {
    case 'Dense':
      return [{ name: 'kernel', shape: [cin, small(c.units, 3, 64)] }, ...bias(c, small(c.units, 3, 64))];
    case 'Conv2D':
      return [{ name: 'kernel', shape: [...tuple(c.kernel_size, 2, [3, 3]), Math.max(1, Math.floor(cin / small(c.groups, 1))), filters] }, ...bias(c, filters)];
    case 'Conv3D':
      return [{ name: 'kernel', shape: [...tuple(c.kernel_size, 3, [2, 2, 2]), Math.max(1, Math.floor(cin / small(c.groups, 1))), filters] }, ...bias(c, filters)];
    case 'Conv2DTranspose':
      return [{ name: 'kernel', shape: [...tuple(c.kernel_size, 2, [3, 3]), filters, cin] }, ...bias(c, filters)];
    case 'Conv3DTranspose':
      return [{ name: 'kernel', shape: [...tuple(c.kernel_size, 3, [2, 2, 2]), filters, cin] }, ...bias(c, filters)];
    case 'DepthwiseConv2D': {
      const dm = small(c.depth_multiplier, 1);
      return [{ name: 'depthwise_kernel', shape: [...tuple(c.kernel_size, 2, [3, 3]), cin, dm] }, ...bias(c, cin * dm)];
    }
    case 'SeparableConv2D': {
      const dm = small(c.depth_multiplier, 1);
      return [
        { name: 'depthwise_kernel', shape: [...tuple(c.kernel_size, 2, [3, 3]), cin, dm] },
        { name: 'pointwise_kernel', shape: [1, 1, cin * dm, filters] },
        ...bias(c, filters),
      ];
    }
    case 'BatchNormalization':
      return [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta']), 'moving_mean', 'moving_variance'].map((name) => ({ name, shape: [cin] }));
    case 'LayerNormalization':
      return [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])].map((name) => ({ name, shape: [cin] }));
    case 'Normalization':
      return c.mean == null ? [{ name: 'mean', shape: [cin] }, { name: 'variance', shape: [cin] }, { name: 'count', shape: [] }] : [];
    case 'PReLU': {
      const shared = Array.isArray(c.shared_axes) ? c.shared_axes : [];
      return [{ name: 'alpha', shape: input.map((d, i) => (shared.includes(i + 1) ? 1 : d)) }];
    }
    default:
      return [];
  }
}

const conv2d = { filters: 3, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: true };
const conv3d = { filters: 2, kernel_size: [2, 2, 2], strides: [1, 1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1, 1], groups: 1, activation: 'linear', use_bias: true };
const pool2d = { pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_last' };
const pool3d = { pool_size: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', data_format: 'channels_last' };
const one = (className: string, config: Record<string, unknown>, inputs: number[][] = [[6, 6, 2]]): LayerSeed => ({ layers: [{ className, config }], inputs });
const IMG = [[6, 6, 2]];
const VOL = [[4, 4, 4, 2]];
const TWO = [
  [4, 4, 2],
  [4, 4, 2],
];

/** Seeds by name: every registry class once (catalog.test checks), and the fusable pairs. */
export const LAYER_SEEDS: Record<string, LayerSeed> = {
  Dense: one('Dense', { units: 3, activation: 'linear', use_bias: true }, [[5]]),
  Activation: one('Activation', { activation: 'relu' }),
  ReLU: one('ReLU', { max_value: null, negative_slope: 0, threshold: 0 }),
  LeakyReLU: one('LeakyReLU', { negative_slope: 0.3 }),
  ELU: one('ELU', { alpha: 1 }),
  Softmax: one('Softmax', { axis: -1 }),
  ...Object.fromEntries(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'].map((m) => [m, one(m, {}, TWO)])),
  Concatenate: one('Concatenate', { axis: -1 }, [
    [4, 4, 2],
    [4, 4, 3],
  ]),
  BatchNormalization: one('BatchNormalization', { axis: -1, momentum: 0.99, epsilon: 0.001, center: true, scale: true }),
  Rescaling: one('Rescaling', { scale: 0.5, offset: 0.1 }),
  Flatten: one('Flatten', { data_format: 'channels_last' }),
  Reshape: one('Reshape', { target_shape: [9, 8] }),
  Dropout: one('Dropout', { rate: 0.5, noise_shape: null, seed: null }),
  SpatialDropout1D: one('SpatialDropout1D', { rate: 0.5 }, [[6, 2]]),
  SpatialDropout2D: one('SpatialDropout2D', { rate: 0.5, data_format: 'channels_last' }),
  SpatialDropout3D: one('SpatialDropout3D', { rate: 0.5, data_format: 'channels_last' }, VOL),
  GaussianNoise: one('GaussianNoise', { stddev: 0.1, seed: null }),
  GaussianDropout: one('GaussianDropout', { rate: 0.1, seed: null }),
  AlphaDropout: one('AlphaDropout', { rate: 0.1, noise_shape: null, seed: null }),
  ActivityRegularization: one('ActivityRegularization', { l1: 0, l2: 0 }),
  Identity: one('Identity', {}),
  Conv2D: one('Conv2D', conv2d, IMG),
  ...Object.fromEntries(['MaxPooling2D', 'AveragePooling2D', 'MaxPool2D', 'AvgPool2D'].map((p) => [p, one(p, pool2d)])),
  ...Object.fromEntries(['GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAvgPool2D', 'GlobalMaxPool2D'].map((p) => [p, one(p, { data_format: 'channels_last', keepdims: false })])),
  DepthwiseConv2D: one('DepthwiseConv2D', { kernel_size: [3, 3], strides: [1, 1], padding: 'valid', depth_multiplier: 1, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true }),
  SeparableConv2D: one('SeparableConv2D', { ...conv2d, depth_multiplier: 1 }),
  Conv3D: one('Conv3D', conv3d, VOL),
  ZeroPadding2D: one('ZeroPadding2D', { padding: [[1, 1], [1, 1]], data_format: 'channels_last' }),
  Cropping2D: one('Cropping2D', { cropping: [[1, 1], [1, 1]], data_format: 'channels_last' }),
  UpSampling2D: one('UpSampling2D', { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' }),
  Resizing: one('Resizing', { height: 8, width: 8, interpolation: 'bilinear', crop_to_aspect_ratio: false, data_format: 'channels_last' }),
  Conv2DTranspose: one('Conv2DTranspose', { ...conv2d, strides: [2, 2], output_padding: null }),
  ...Object.fromEntries(['MaxPooling3D', 'AveragePooling3D', 'MaxPool3D', 'AvgPool3D'].map((p) => [p, one(p, pool3d, VOL)])),
  ...Object.fromEntries(['GlobalAveragePooling3D', 'GlobalMaxPooling3D', 'GlobalAvgPool3D', 'GlobalMaxPool3D'].map((p) => [p, one(p, { data_format: 'channels_last', keepdims: false }, VOL)])),
  ZeroPadding3D: one('ZeroPadding3D', { padding: [[1, 1], [1, 1], [1, 1]], data_format: 'channels_last' }, VOL),
  Cropping3D: one('Cropping3D', { cropping: [[1, 1], [1, 1], [1, 1]], data_format: 'channels_last' }, VOL),
  UpSampling3D: one('UpSampling3D', { size: [2, 2, 2], data_format: 'channels_last' }, VOL),
  Normalization: one('Normalization', { axis: -1, mean: null, variance: null, invert: false }),
  LayerNormalization: one('LayerNormalization', { axis: -1, epsilon: 0.001, center: true, scale: true }),
  PReLU: one('PReLU', { shared_axes: null }),
  Permute: one('Permute', { dims: [2, 1, 3] }),
  Conv3DTranspose: one('Conv3DTranspose', { ...conv3d, strides: [2, 2, 2], output_padding: null }, VOL),
  // Pairs the graph passes fuse.
  'ZeroPadding2D+Conv2D': { layers: [{ className: 'ZeroPadding2D', config: { padding: [[1, 1], [1, 1]] } }, { className: 'Conv2D', config: conv2d }], inputs: IMG },
  'Conv2D+BatchNormalization': { layers: [{ className: 'Conv2D', config: conv2d }, { className: 'BatchNormalization', config: { axis: -1, epsilon: 0.001, center: true, scale: true } }], inputs: IMG },
  'Conv2D+ReLU': { layers: [{ className: 'Conv2D', config: conv2d }, { className: 'ReLU', config: { max_value: 6, negative_slope: 0, threshold: 0 } }], inputs: IMG },
  'Conv2D+MaxPooling2D': { layers: [{ className: 'Conv2D', config: { ...conv2d, padding: 'same' } }, { className: 'MaxPooling2D', config: pool2d }], inputs: IMG },
  'DepthwiseConv2D+BatchNormalization': {
    layers: [
      { className: 'DepthwiseConv2D', config: { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 1, use_bias: false } },
      { className: 'BatchNormalization', config: { axis: -1, epsilon: 0.001 } },
    ],
    inputs: IMG,
  },
  'Dense+Softmax': { layers: [{ className: 'Dense', config: { units: 4, activation: 'softmax', use_bias: true } }], inputs: [[5]] },
};

/** Attribute names worth trying beyond those in a seed's config (Keras options the op may read). */
export const EXTRA_KEYS = ['axis', 'data_format', 'groups', 'output_padding', 'keepdims', 'interpolation', 'activation', 'use_bias', 'dilation_rate', 'strides', 'padding', 'dtype'];
