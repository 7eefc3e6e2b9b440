/**
 * Window geometry shared by convolution and pooling, one spatial axis at a time (so 1-D, 2-D and
 * 3-D ops use the same rule): output size and padding for Keras' 'valid' and 'same'.
 *
 * 'same' follows TensorFlow, which pads asymmetrically: the total padding is split with the
 * smaller half BEFORE the data and the extra cell AFTER it. Getting this wrong shifts every
 * output of a stride-2 layer on even-sized inputs by one pixel, which a test on odd sizes alone
 * would not notice.
 */
import { ModelFormatError, UnsupportedLayerError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';

/** Keras padding modes the engine implements. */
export type Padding = 'valid' | 'same';

/** Output size and padding of one spatial axis. */
export interface AxisGeometry {
  /** Output size; 0 or less when a 'valid' window does not fit (callers turn that into a ShapeError). */
  out: number;
  /** Padding cells before index 0 (top / left / front). */
  padBefore: number;
  /** Padding cells after the last index (the extra cell of an odd total goes here). */
  padAfter: number;
}

/**
 * Geometry of one axis: `size` input cells, a window of `kernel` taps spaced `dilation` apart,
 * moved by `stride`.
 *
 * - valid: out = floor((size - effective) / stride) + 1, no padding
 *   (effective = (kernel - 1) * dilation + 1);
 * - same:  out = ceil(size / stride),
 *   padTotal = max((out - 1) * stride + effective - size, 0),
 *   padBefore = floor(padTotal / 2), padAfter = padTotal - padBefore.
 */
export function axisGeometry(size: number, kernel: number, stride: number, dilation: number, padding: Padding): AxisGeometry {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = size >= effective ? Math.floor((size - effective) / stride) + 1 : 0;
    return { out, padBefore: 0, padAfter: 0 };
  }
  const out = Math.ceil(size / stride);
  const padTotal = Math.max((out - 1) * stride + effective - size, 0);
  const padBefore = Math.floor(padTotal / 2);
  return { out, padBefore, padAfter: padTotal - padBefore };
}

/**
 * Geometry of one axis whose input is first zero-padded by `before` and `after` cells (a
 * ZeroPadding2D folded into the window op, src/graph/passes/fold-padding.ts): axisGeometry on the
 * padded size, with the explicit cells added to the mode's own padding. With no explicit cells it
 * is axisGeometry itself.
 */
export function paddedAxisGeometry(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Padding,
  before = 0,
  after = 0,
): AxisGeometry {
  const g = axisGeometry(size + before + after, kernel, stride, dilation, padding);
  return { out: g.out, padBefore: g.padBefore + before, padAfter: g.padAfter + after };
}

/** Reads a Keras `padding` config value; 'causal' (Conv1D only) and anything else is rejected. */
export function parsePadding(value: unknown, layer: KerasLayer): Padding {
  const p = typeof value === 'string' ? value.toLowerCase() : value;
  if (p === 'valid' || p === 'same') return p;
  if (p === 'causal') throw new UnsupportedLayerError(layer.name, layer.className, "padding 'causal' is not supported");
  throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): padding ${JSON.stringify(value)} is not 'valid' or 'same'`);
}

/** Rejects `data_format: 'channels_first'`: the engine's tensors are channels-last throughout. */
export function requireChannelsLast(layer: KerasLayer): void {
  const format = layer.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') {
    throw new UnsupportedLayerError(
      layer.name,
      layer.className,
      `data_format '${String(format)}' is not supported (only 'channels_last'); re-save the model with channels_last layers`,
    );
  }
}
