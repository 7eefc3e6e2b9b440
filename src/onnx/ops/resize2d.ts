/**
 * resize2d → UpSampling2D nearest ('repeat'): each pixel repeated (../reshape-ops.ts); bilinear and
 * Resizing's nearest: Resize, channels-first, with TF's coordinates (tf.image.resize with
 * half-pixel centres: 'half_pixel' linear, 'tf_half_pixel_for_nn' floor nearest; no antialias).
 * The target size goes in as `sizes` (the input's batch and channels read by Shape, then H, W),
 * which keeps the graph batch-agnostic and the size exact (float `scales` could floor one short).
 */
import { laid } from '../builder.ts';
import type { OnnxEmitter } from '../emitter.ts';
import { repeatCells } from '../reshape-ops.ts';

export const resize2dOnnx: OnnxEmitter<'resize2d'> = ({ b, node, inputs: [x], outShape }) => {
  const a = node.attrs;
  const at = node.name;
  if (a.mode === 'repeat') return repeatCells(b, x, a.factor!, at);
  const xin = b.nchw(x, at);
  const batchAndChannels = b.node('Shape', [xin], at, { start: 0, end: 2 });
  const sizes = b.node('Concat', [batchAndChannels, b.int64s(`${at}/size`, [outShape[1], outShape[2]])], at, { axis: 0 });
  const attrs: Record<string, string> =
    a.mode === 'bilinear'
      ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
      : { mode: 'nearest', coordinate_transformation_mode: 'tf_half_pixel_for_nn', nearest_mode: 'floor' };
  return laid(outShape, b.node('Resize', [xin, '', '', sizes], at, attrs), true);
};
