/**
 * Conv3D: Keras' 3-D convolution (channels-last, kernel [kd, kh, kw, cin, cout]) with fused bias
 * and activation: TF's asymmetric 'same' padding per axis, strides and dilation. Grouped 3-D
 * convolution (Keras 3 `groups`) is rejected.
 *
 * Six kernels (chooseConv3DVariant has the rule): shaders/conv3d_blocked.wgsl, 4 voxels × all
 * output channels (≤ 16) per invocation; shaders/conv3d_blocked_x3.wgsl, the same with a kernel
 * row's input columns shared by its three taps (the voxels spaced by the dilation), where the row
 * is 3 wide at stride 1; shaders/conv3d_blocked_x3_2y.wgsl, that in two output rows at once (stride
 * 1 in y too); shaders/conv3d_blocked_c1.wgsl, that with the weights at constant indices, for 3×3×3
 * layers of one input channel; shaders/conv3d_pointwise.wgsl for 1×1×1 layers (constant weight
 * indices too); and shaders/conv3d.wgsl, 4 voxels × 4 channels, for the rest. The x3 kernels and c1
 * take any channel count in blocks. The rule reads the layer's attributes and channel counts only,
 * never the spatial size, so a sub-volume of a tiled run (src/runtime/tiled-volume.ts) runs the
 * same kernels, with the same order of additions, as the whole volume.
 */
import { ShapeError, UnsupportedLayerError } from '../errors.ts';
import { activationConstants, parseActivation } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import { type Conv3DGeometry } from '../geometry/window.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { dispatch1D } from './dispatch.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { axisGeometry } from '../geometry/window.ts';
import { padOutputAxis } from './conv2d-variant.ts';
import { defineOp, type NodeDraft, type OpNode } from './types.ts';
import { countOf, requireWeight, softmaxDraft, tupleOf } from './util.ts';

/** Node attributes of a conv3d node. Weights: kernel [kd, kh, kw, cin, cout], then bias [cout] if any. */
export interface Conv3DAttrs extends Conv3DGeometry {
  filters: number;
  activation: Activation;
  /** Forces a kernel where it applies (tests, the kernel lab); absent: chosen by chooseConv3DVariant. */
  variant?: Conv3DVariant;
}

export type Conv3DVariant = 'pointwise' | 'blocked_c1' | 'blocked_x3_2y' | 'blocked_x3' | 'blocked' | 'direct';

/** Output channels conv3d_blocked_x3_2y.wgsl and conv3d_blocked_c1.wgsl hold (8 channels × 2 rows of named accumulators): their block width. */
export const BLOCKED_2Y_MAX_CHANNELS = 8;

/** Output channels conv3d_blocked.wgsl can hold (its named accumulators acc0 .. acc15). */
export const BLOCKED_MAX_CHANNELS = 16;

/**
 * The register-blocked family, from the layer's attributes and channel counts:
 * - 'blocked_c1': 3×3×3, stride 1, one input channel (MeshNet's first layers);
 * - 'pointwise': 1×1×1, stride 1, ≤ 16 channels in and out (MeshNet's heads);
 * - 'blocked_x3_2y': kernel rows 3 wide at stride 1 in x, stride 1 in y (MeshNet's other layers);
 * - 'blocked_x3': kernel rows 3 wide at stride 1 in x, another stride in y;
 * - 'blocked': the other layers of ≤ 16 output channels (strided rows, other kernel widths);
 * - 'direct': the rest (> 16 output channels on rows that are not 3 wide at stride 1).
 * 'blocked_c1' and 'blocked_x3_2y' run in blocks of ≤ 8 output channels, 'blocked_x3' of ≤ 16,
 * one pipeline per block (channelBlocks). On SwiftShader (docs/kernels/conv3d.md): 'blocked' runs
 * MeshNet's layers 2–4× faster than 'direct', which pads 5 channels to 8 lanes and reloads every
 * input value once per block of 4 channels; 'blocked_x3' shares a kernel row's input columns among
 * its 3 taps (voxels spaced by the dilation), 1.5–1.8× 'blocked'; 'blocked_x3_2y' also shares each
 * weight between two rows (model11's 11 channels as 6 + 5: 1.3–1.4× 'blocked_x3' in one block);
 * 'blocked_c1' and 'pointwise' read their weights at constant indices (one load for all lanes).
 * A forced variant runs where it can. Elsewhere 'blocked_x3_2y' falls back to 'blocked_x3', that to
 * 'blocked', 'blocked' to 'direct'; a forced 'blocked_c1' or 'pointwise' that cannot run leaves
 * the choice to the rule.
 */
export function chooseConv3DVariant(filters: number, inChannels: number, a: Conv3DGeometry & { variant?: Conv3DVariant }): Conv3DVariant {
  if (a.variant === 'direct') return 'direct';
  const oneChannel3x3x3 = inChannels === 1 && a.strides.every((s) => s === 1) && a.kernelSize.every((k) => k === 3);
  if (oneChannel3x3x3 && (a.variant === undefined || a.variant === 'blocked_c1')) return 'blocked_c1';
  const fits = filters <= BLOCKED_MAX_CHANNELS;
  const pointwise = a.kernelSize.every((k) => k === 1) && a.strides.every((s) => s === 1) && inChannels <= BLOCKED_MAX_CHANNELS;
  if (pointwise && fits && a.variant !== 'blocked') return 'pointwise';
  const rowOf3 = a.kernelSize[2] === 3 && a.strides[2] === 1;
  if (!rowOf3 || a.variant === 'blocked') return fits ? 'blocked' : 'direct';
  return a.strides[1] === 1 && a.variant !== 'blocked_x3' ? 'blocked_x3_2y' : 'blocked_x3';
}

/**
 * The output channels split into blocks of at most `max` (the accumulators of a blocked kernel), as
 * [first channel, count], of near-equal size: 21 → 11 + 10 rather than 16 + 5, since an 11-channel
 * block runs about as fast per FLOP as a 16-channel one and each block reads the input once more.
 */
export function channelBlocks(filters: number, max: number): [number, number][] {
  const n = Math.ceil(filters / max);
  const blocks: [number, number][] = [];
  for (let b = 0, start = 0; b < n; b++) {
    const count = Math.floor(filters / n) + (b < filters % n ? 1 : 0);
    blocks.push([start, count]);
    start += count;
  }
  return blocks;
}

/** Tiles of `count` voxels spaced `step` apart covering `extent` (lib_conv3d_blocked.wgsl's tilesAlong). */
export function tilesAlong(extent: number, count: number, step: number): number {
  const group = count * step;
  return Math.floor(extent / group) * step + Math.min(step, extent % group);
}

/** Items of a blocked-family kernel: [x spacing, y spacing, rows per item] as the kernel's spacing() and ROWS. */
function blockedItems(variant: Conv3DVariant, a: Conv3DGeometry, N: number, OD: number, OH: number, OW: number): number {
  const [sx, sy, rows] = variant === 'blocked_x3_2y' || variant === 'blocked_c1' ? [a.dilation[2], a.dilation[1], 2] : variant === 'blocked_x3' ? [a.dilation[2], 1, 1] : [1, 1, 1];
  return N * OD * tilesAlong(OH, rows, sy) * tilesAlong(OW, PIXELS, sx);
}

const WG = 64;
/** Output channels per invocation in conv3d.wgsl (one vec4). */
const BLOCK = 4;
/** x-adjacent output voxels per invocation in conv3d.wgsl (its PIXELS). */
const PIXELS = 4;

/** Rows of `cout` values zero-padded to whole vec4 blocks, as conv3d.wgsl reads kernel and bias. */
const padChannelsToVec4 = (data: Float32Array, cout: number): Float32Array => padOutputAxis(data, cout, 1, BLOCK);

function attrsOf(node: OpNode<Conv3DAttrs>): Conv3DAttrs {
  return node.attrs;
}

/** Per-axis geometry of a conv3d node on an input [N, D, H, W, C]. */
export function conv3dAxes(a: Conv3DGeometry, input: readonly number[]) {
  return [1, 2, 3].map((ax, i) => axisGeometry(input[ax], a.kernelSize[i], a.strides[i], a.dilation[i], a.padding));
}

export const conv3d = defineOp<Conv3DAttrs>({
  op: 'conv3d',
  footprint: (node) => {
    const a = node.attrs;
    return { kind: 'window', kernel: a.kernelSize, dilation: a.dilation, strides: a.strides, padding: a.padding };
  },

  fromKeras(layer, ctx) {
    const c = layer.config;
    requireChannelsLast(layer);
    if ((c.groups ?? 1) !== 1) throw new UnsupportedLayerError(layer.name, layer.className, `groups=${c.groups} is not supported (only 1)`);
    const parsed = parseActivation(c.activation, ctx.kerasMajor, layer.name, layer.className);
    const kernel = requireWeight(layer, 0, 'kernel');
    const weights = [kernel];
    if (c.use_bias ?? true) weights.push(requireWeight(layer, 1, 'bias'));
    const attrs: Conv3DAttrs = {
      filters: countOf(c.filters, 'filters', layer) ?? kernel.shape[4],
      kernelSize: tupleOf(c.kernel_size, 3, 'kernel_size', layer),
      strides: tupleOf(c.strides ?? 1, 3, 'strides', layer),
      dilation: tupleOf(c.dilation_rate ?? 1, 3, 'dilation_rate', layer),
      padding: parsePadding(c.padding ?? 'valid', layer),
      activation: parsed.act,
    };
    const draft: NodeDraft<object> = { op: 'conv3d', attrs: attrs, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const k = node.weights[0].shape;
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 5) throw new ShapeError(`${where} expects a 5-D input [N, D, H, W, C], got [${input.join(', ')}]`);
    if (k.length !== 5 || k.slice(0, 3).some((d, i) => d !== a.kernelSize[i]) || k[4] !== a.filters) {
      throw new ShapeError(`${where}: kernel shape [${k.join(', ')}] does not match kernel_size ${a.kernelSize} and ${a.filters} filters`);
    }
    if (k[3] !== input[4]) throw new ShapeError(`${where} expects ${k[3]} input channels, got ${input[4]} (input shape [${input.join(', ')}])`);
    const axes = conv3dAxes(a, input);
    if (axes.some((g) => g.out <= 0)) {
      throw new ShapeError(`${where}: input ${input.slice(1, 4).join('×')} is smaller than its dilated ${a.kernelSize.join('×')} kernel with 'valid' padding`);
    }
    return [input[0], ...axes.map((g) => g.out), a.filters];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, D, H, W, C] = inputShapes[0];
    const [, OD, OH, OW, F] = outputShape;
    const blocks = Math.ceil(F / BLOCK);
    const [gz, gy, gx] = conv3dAxes(a, inputShapes[0]);
    const bias = node.weights[1]?.data ?? new Float32Array(F);
    const taps = a.kernelSize[0] * a.kernelSize[1] * a.kernelSize[2];
    const flops = 2 * N * OD * OH * OW * F * taps * C;
    const geometry = {
      batch: N, inD: D, inH: H, inW: W, outD: OD, outH: OH, outW: OW,
      kD: a.kernelSize[0], kH: a.kernelSize[1], kW: a.kernelSize[2],
      strideD: a.strides[0], strideH: a.strides[1], strideW: a.strides[2],
      dilationD: a.dilation[0], dilationH: a.dilation[1], dilationW: a.dilation[2],
      padFront: gz.padBefore, padTop: gy.padBefore, padLeft: gx.padBefore,
    };
    const kernelLabel = `${node.name}/kernel`;
    const variant = chooseConv3DVariant(F, C, a);
    if (variant !== 'direct') {
      const widest = variant === 'blocked_c1' || variant === 'blocked_x3_2y' ? BLOCKED_2Y_MAX_CHANNELS : BLOCKED_MAX_CHANNELS;
      return channelBlocks(F, widest).map(([start, count]) => ({
        label: count === F ? `${node.name}/conv3d` : `${node.name}/conv3d[${start}:${start + count}]`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_conv3d_blocked.wgsl', `conv3d_${variant}.wgsl`],
        // One pipeline per block of channels (x3 above 16, x3_2y and c1 above 8; blocked and
        // pointwise take ≤ 16 in one block): ALL_C and C0 place the block in weights and output.
        constants: { WG, IN_C: C, OUT_C: count, ALL_C: F, C0: start, ...activationConstants(a.activation) },
        params: geometry,
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          // Keras' layout as it is: the kernel reads scalars (see its header for why).
          kernel: { kind: 'constant', data: node.weights[0].data, label: kernelLabel },
          bias: { kind: 'constant', data: bias, label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(blockedItems(variant, a, N, OD, OH, OW), WG),
        flops: (flops * count) / F,
      }));
    }
    return [
      {
        label: `${node.name}/conv3d`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_conv_4px.wgsl', 'conv3d.wgsl'],
        constants: { WG, ...activationConstants(a.activation) },
        params: { ...geometry, inC: C, outC: F, outBlocks: blocks },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: padChannelsToVec4(node.weights[0].data, F), label: kernelLabel },
          bias: { kind: 'constant', data: padChannelsToVec4(bias, F), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(N * OD * OH * Math.ceil(OW / PIXELS) * blocks, WG),
        flops,
      },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  foldScaleShift: (node, scale, shift) => foldIntoKernel(node, attrsOf(node).filters, 1, scale, shift), // output channel last
});
