/**
 * resize2d → UpSampling2D nearest ('repeat'): each pixel repeated (../data-movement.ts); bilinear and
 * Resizing's nearest: Resize, channels-first, with TF's coordinates (tf.image.resize with
 * half-pixel centres: 'half_pixel' linear, 'tf_half_pixel_for_nn' floor nearest; no antialias).
 * The target size goes in as `sizes` (the batch and channels read from the input by Shape, H and W
 * constants), which keeps the graph batch-agnostic and the size exact (float `scales` could floor
 * one short). It runs in whichever layout the input has (ORT's CPU Resize takes NCHW and NHWC):
 * a Transpose of our own in front of it was found to be pushed through it by ORT's transpose
 * optimizer together with a Permute's, leaving a linear Resize on axes ORT's kernel refuses.
 */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { repeatCells } from '../data-movement.ts';

export const resize2dOnnx: OnnxEmitter<'resize2d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  const at = node.name;
  if (a.mode === 'repeat') return repeatCells(b, x, a.factor!, at);
  const { name: xin, cf } = b.either(x);
  const hw = b.int64s(`${at}/size`, [outShape[1], outShape[2]]);
  const batch = b.node('Shape', [xin], at, { start: 0, end: 1 });
  const channels = b.node('Shape', [xin], at, { start: cf ? 1 : 3, end: cf ? 2 : 4 });
  const sizes = b.node('Concat', cf ? [batch, channels, hw] : [batch, hw, channels], at, { axis: 0 });
  const attrs: Record<string, string> =
    a.mode === 'bilinear'
      ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
      : { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn', nearest_mode: 'floor' };
  return laid(outShape, b.node('Resize', [xin, '', '', sizes], at, attrs), cf);
};
