/**
 * Window geometry shared by the window ops' shape rules, their kernels' parameters and their CPU
 * references, one spatial axis at a time (so 1-D, 2-D and 3-D ops use the same rule): output size
 * and padding for Keras' 'valid' and 'same', the transposed convolutions' output rule, and the
 * geometry attributes the window ops store in their nodes.
 *
 * A leaf: it imports nothing, so kernels and references both build on it without importing each
 * other. What keeps a bug here from hiding (GPU and oracle agreeing on the same wrong size) is
 * the real-Keras fixtures the kernels are also tested against, and the reference executor
 * checking each reference's own output shape against the op's shape rule.
 *
 * 'same' follows TensorFlow, which pads asymmetrically: the total padding is split with the
 * smaller half BEFORE the data and the extra cell AFTER it. Getting this wrong shifts every
 * output of a stride-2 layer on even-sized inputs by one pixel, which a test on odd sizes alone
 * would not notice.
 */

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
 * ZeroPadding2D folded into the window op, src/compile/passes/fold-padding.ts): axisGeometry on the
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

/** The geometry of one Conv2D, as the op module stores it in node attrs. */
export interface Conv2DGeometry {
  /** [kh, kw] */
  kernelSize: readonly number[];
  /** [sh, sw] */
  strides: readonly number[];
  /** [dh, dw] */
  dilation: readonly number[];
  padding: Padding;
  /**
   * Grouped convolution (Keras `groups`): input channels and filters are split into this many
   * equal groups and group g of the filters sees only group g of the inputs. Absent means 1.
   */
  groups?: number;
}

/** The geometry of one Conv3D (or 3-D pooling window), as op modules store it in node attrs. */
export interface Conv3DGeometry {
  /** [kd, kh, kw] */
  kernelSize: readonly number[];
  /** [sd, sh, sw] */
  strides: readonly number[];
  /** [dd, dh, dw] */
  dilation: readonly number[];
  padding: Padding;
}

/** Which reduction a pooling window applies. */
export type PoolMode = 'max' | 'avg';

/** Attributes of a 2-D pooling node. */
export interface Pool2DGeometry {
  /** [ph, pw] */
  poolSize: readonly number[];
  /** [sh, sw] */
  strides: readonly number[];
  padding: Padding;
}

/** Attributes of a 3-D pooling node. */
export interface Pool3DGeometry {
  /** [pd, ph, pw] */
  poolSize: readonly number[];
  /** [sd, sh, sw] */
  strides: readonly number[];
  padding: Padding;
}

/**
 * Zero rows/columns added around the input before the window slides, on top of what the padding
 * mode adds: [[top, bottom], [left, right]] (a ZeroPadding2D folded into the layer). Absent: none.
 */
export type ExplicitPads = readonly [readonly [number, number], readonly [number, number]];

/** A depthwise layer's window geometry: Conv2D's, plus explicit pads. */
export interface DepthwiseGeometry extends Conv2DGeometry {
  pads?: ExplicitPads;
}

/** Output size and padding of the two spatial axes (explicit pads included) of an H×W input. */
export function depthwiseAxes(H: number, W: number, g: DepthwiseGeometry) {
  const p = g.pads ?? [[0, 0], [0, 0]];
  return {
    gy: paddedAxisGeometry(H, g.kernelSize[0], g.strides[0], g.dilation[0], g.padding, p[0][0], p[0][1]),
    gx: paddedAxisGeometry(W, g.kernelSize[1], g.strides[1], g.dilation[1], g.padding, p[1][0], p[1][1]),
  };
}

/** Geometry of one Conv2DTranspose (node attrs). Dilation is always 1. */
export interface Conv2DTransposeGeometry {
  kernelSize: readonly number[];
  strides: readonly number[];
  padding: Padding;
  /** Keras output_padding per axis, or null (Keras' default rule). */
  outputPadding: readonly number[] | null;
}

/** Output size and leading padding of one axis (Keras' output rule, TF's padding of the conv it inverts). */
export function transposeAxis(size: number, kernel: number, stride: number, padding: Padding, outputPadding: number | null): { out: number; padBefore: number } {
  let out: number;
  if (padding === 'valid') out = (size - 1) * stride + kernel + (outputPadding ?? Math.max(kernel, stride) - kernel);
  else out = outputPadding === null ? size * stride : (size - 1) * stride + (kernel % 2) + outputPadding;
  // The forward conv of `out` cells gives back `size` cells; TF pads it floor(total / 2) before.
  const padBefore = padding === 'valid' ? 0 : Math.floor(Math.max(0, (size - 1) * stride + kernel - out) / 2);
  return { out, padBefore };
}

/** Geometry of one Conv3DTranspose (node attrs), three entries per array. Dilation is always 1. */
export type Conv3DTransposeGeometry = Conv2DTransposeGeometry;

/** Output size and leading padding of the three spatial axes of an input [N, D, H, W, C]. */
export function transposeAxes3(g: Conv3DTransposeGeometry, input: readonly number[]) {
  return [0, 1, 2].map((a) => transposeAxis(input[a + 1], g.kernelSize[a], g.strides[a], g.padding, g.outputPadding?.[a] ?? null));
}

/** Scale (nearest upsampling factor) and shift (padding before; negative = cropping) per axis. */
export interface Reindex3DGeometry {
  /** [sd, sh, sw], ≥ 1 */
  scale: readonly number[];
  /** [d, h, w]: output index of input voxel 0's first copy */
  shift: readonly number[];
}
