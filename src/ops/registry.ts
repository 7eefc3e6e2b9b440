/**
 * The one table from Keras layer class to op module, and from op key to module.
 * Adding a layer means adding its module and a line here; nothing else switches on layer type.
 */
import type { OpModule } from './types.ts';
import { dense } from './dense.ts';
import { activation } from './activation.ts';
import { softmax } from './softmax.ts';
import { merge } from './merge.ts';
import { concatenate } from './concatenate.ts';
import { batchNorm } from './batch-norm.ts';
import { rescaling } from './rescaling.ts';
import { identity } from './identity.ts';
import { flatten } from './flatten.ts';
import { reshape } from './reshape.ts';
import { conv2d } from './conv2d.ts';
import { pool2d } from './pool2d.ts';
import { globalPool } from './global-pool.ts';
import { depthwiseConv2d } from './depthwise-conv2d.ts';
import { conv3d } from './conv3d.ts';
import { padCrop2d } from './pad-crop2d.ts';
import { resize2d } from './resize2d.ts';
import { conv2dTranspose } from './conv2d-transpose.ts';
import { pool3d } from './pool3d.ts';
import { reindex3d } from './reindex3d.ts';
import { normalization } from './normalization.ts';
import { layerNorm } from './layer-norm.ts';
import { prelu } from './prelu.ts';
import { permute } from './permute.ts';
import { conv3dTranspose } from './conv3d-transpose.ts';
import { conv2dPool } from './conv2d-pool.ts';

/** Op modules by op key: the one list of ops. Each module's `op` is its key here (checked below). */
export const OPS = {
  activation,
  batch_norm: batchNorm,
  concatenate,
  conv2d,
  conv2d_pool: conv2dPool,
  conv2d_transpose: conv2dTranspose,
  conv3d,
  conv3d_transpose: conv3dTranspose,
  dense,
  depthwise_conv2d: depthwiseConv2d,
  flatten,
  global_pool: globalPool,
  identity,
  layer_norm: layerNorm,
  merge,
  normalization,
  pad_crop2d: padCrop2d,
  permute,
  pool2d,
  pool3d,
  prelu,
  reindex3d,
  rescaling,
  reshape,
  resize2d,
  softmax,
} as const satisfies Readonly<Record<string, OpModule>>;

/** Every op key the engine knows: derived from the registry, so a node's op can be checked against it. */
export type OpKey = keyof typeof OPS;

/** The attributes of op `K`'s nodes, as its module declares them (defineOp<Attrs>). */
export type AttrsOf<K extends OpKey> = NonNullable<(typeof OPS)[K]['attrs']>;

for (const [key, module] of Object.entries(OPS)) {
  if (module.op !== key) throw new Error(`internal: op module "${module.op}" is registered as "${key}"`);
}

/** Keras layer class → op key. */
export const KERAS_LAYERS: Readonly<Record<string, OpKey>> = {
  Dense: 'dense',
  Activation: 'activation',
  ReLU: 'activation',
  LeakyReLU: 'activation',
  ELU: 'activation',
  Softmax: 'softmax',
  Add: 'merge',
  Subtract: 'merge',
  Multiply: 'merge',
  Average: 'merge',
  Maximum: 'merge',
  Minimum: 'merge',
  Concatenate: 'concatenate',
  BatchNormalization: 'batch_norm',
  Rescaling: 'rescaling',
  Flatten: 'flatten',
  Reshape: 'reshape',
  Dropout: 'identity',
  SpatialDropout1D: 'identity',
  SpatialDropout2D: 'identity',
  SpatialDropout3D: 'identity',
  GaussianNoise: 'identity',
  GaussianDropout: 'identity',
  AlphaDropout: 'identity',
  ActivityRegularization: 'identity',
  Identity: 'identity',
  Conv2D: 'conv2d',
  MaxPooling2D: 'pool2d',
  AveragePooling2D: 'pool2d',
  MaxPool2D: 'pool2d',
  AvgPool2D: 'pool2d',
  GlobalAveragePooling2D: 'global_pool',
  GlobalMaxPooling2D: 'global_pool',
  GlobalAvgPool2D: 'global_pool',
  GlobalMaxPool2D: 'global_pool',
  DepthwiseConv2D: 'depthwise_conv2d',
  SeparableConv2D: 'depthwise_conv2d',
  Conv3D: 'conv3d',
  ZeroPadding2D: 'pad_crop2d',
  Cropping2D: 'pad_crop2d',
  UpSampling2D: 'resize2d',
  Resizing: 'resize2d',
  Conv2DTranspose: 'conv2d_transpose',
  MaxPooling3D: 'pool3d',
  AveragePooling3D: 'pool3d',
  MaxPool3D: 'pool3d',
  AvgPool3D: 'pool3d',
  GlobalAveragePooling3D: 'global_pool',
  GlobalMaxPooling3D: 'global_pool',
  GlobalAvgPool3D: 'global_pool',
  GlobalMaxPool3D: 'global_pool',
  ZeroPadding3D: 'reindex3d',
  Cropping3D: 'reindex3d',
  UpSampling3D: 'reindex3d',
  Normalization: 'normalization',
  LayerNormalization: 'layer_norm',
  PReLU: 'prelu',
  Permute: 'permute',
  Conv3DTranspose: 'conv3d_transpose',
};

/** Whether `op` is a registered op key (own property: "constructor" is not an op). */
export function isOpKey(op: string): op is OpKey {
  return Object.hasOwn(OPS, op);
}

export function opModule(op: string): OpModule {
  const m: OpModule | undefined = isOpKey(op) ? OPS[op] : undefined;
  if (!m) throw new Error(`internal: no op module "${op}"`);
  return m;
}
