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

/** Op modules by op key. */
export const OPS: Readonly<Record<string, OpModule>> = Object.fromEntries(
  [activation, softmax, merge, concatenate, batchNorm, rescaling, identity, flatten, reshape, dense, conv2d, pool2d, globalPool, conv3d, depthwiseConv2d, padCrop2d, resize2d, conv2dTranspose, pool3d, reindex3d, normalization, layerNorm, prelu, permute, conv3dTranspose, conv2dPool].map((m) => [m.op, m]),
);

/** Keras layer class → op key. */
export const KERAS_LAYERS: Readonly<Record<string, string>> = {
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

export function opModule(op: string): OpModule {
  const m = Object.hasOwn(OPS, op) ? OPS[op] : undefined;
  if (!m) throw new Error(`internal: no op module "${op}"`);
  return m;
}
