/**
 * The ONNX lowering of every op, by op key (like src/reference/table.ts): the type requires an
 * emitter for each registry op, and test/unit/onnx/table.test.ts checks the same at run time.
 */
import type { OpKey } from '../ops/registry.ts';
import type { OnnxEmitter } from './emitter.ts';
import { activationOnnx } from './ops/activation.ts';
import { batchNormOnnx } from './ops/batch-norm.ts';
import { concatenateOnnx } from './ops/concatenate.ts';
import { conv2dPoolOnnx } from './ops/conv2d-pool.ts';
import { conv2dTransposeOnnx } from './ops/conv2d-transpose.ts';
import { conv2dOnnx } from './ops/conv2d.ts';
import { conv3dTransposeOnnx } from './ops/conv3d-transpose.ts';
import { conv3dOnnx } from './ops/conv3d.ts';
import { denseOnnx } from './ops/dense.ts';
import { depthwiseConv2dOnnx } from './ops/depthwise-conv2d.ts';
import { flattenOnnx } from './ops/flatten.ts';
import { globalPoolOnnx } from './ops/global-pool.ts';
import { identityOnnx } from './ops/identity.ts';
import { layerNormOnnx } from './ops/layer-norm.ts';
import { mergeOnnx } from './ops/merge.ts';
import { normalizationOnnx } from './ops/normalization.ts';
import { padCrop2dOnnx } from './ops/pad-crop2d.ts';
import { permuteOnnx } from './ops/permute.ts';
import { pool2dOnnx } from './ops/pool2d.ts';
import { pool3dOnnx } from './ops/pool3d.ts';
import { preluOnnx } from './ops/prelu.ts';
import { reindex3dOnnx } from './ops/reindex3d.ts';
import { rescalingOnnx } from './ops/rescaling.ts';
import { reshapeOnnx } from './ops/reshape.ts';
import { resize2dOnnx } from './ops/resize2d.ts';
import { softmaxOnnx } from './ops/softmax.ts';

export const ONNX_EMITTERS: { readonly [K in OpKey]: OnnxEmitter<K> } = {
  activation: activationOnnx,
  batch_norm: batchNormOnnx,
  concatenate: concatenateOnnx,
  conv2d: conv2dOnnx,
  conv2d_pool: conv2dPoolOnnx,
  conv2d_transpose: conv2dTransposeOnnx,
  conv3d: conv3dOnnx,
  conv3d_transpose: conv3dTransposeOnnx,
  dense: denseOnnx,
  depthwise_conv2d: depthwiseConv2dOnnx,
  flatten: flattenOnnx,
  global_pool: globalPoolOnnx,
  identity: identityOnnx,
  layer_norm: layerNormOnnx,
  merge: mergeOnnx,
  normalization: normalizationOnnx,
  pad_crop2d: padCrop2dOnnx,
  permute: permuteOnnx,
  pool2d: pool2dOnnx,
  pool3d: pool3dOnnx,
  prelu: preluOnnx,
  reindex3d: reindex3dOnnx,
  rescaling: rescalingOnnx,
  reshape: reshapeOnnx,
  resize2d: resize2dOnnx,
  softmax: softmaxOnnx,
};
