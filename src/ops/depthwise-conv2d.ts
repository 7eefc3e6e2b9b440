/**
 * DepthwiseConv2D: one spatial filter per input channel (times depth_multiplier), with TF's
 * asymmetric 'same' padding, strides, dilation, fused bias and activation.
 *
 * SeparableConv2D imports here too, as two nodes: this op (its depthwise_kernel, no bias, linear)
 * followed by a 1×1 conv2d node (pointwise_kernel, bias, activation). The pointwise half is an
 * ordinary conv2d, so a following BatchNormalization folds into it and an activation fuses into
 * its epilogue with no extra code; the intermediate tensor costs one buffer.
 */
import { ModelFormatError, ShapeError, UnsupportedLayerError } from '../errors.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { activationConstants, parseActivation } from '../graph/activations.ts';
import { LINEAR, type Activation, type WeightTensor } from '../graph/ir.ts';
import type { Conv2DGeometry } from '../geometry/window.ts';
import { depthwiseAxes, type DepthwiseGeometry, type ExplicitPads } from '../geometry/window.ts';
import type { Conv2DAttrs } from './conv2d.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { dispatch1D } from './dispatch.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { defineOp, type ImportContext, type NodeDraft, type OpNode } from './types.ts';
import { countOf, requireWeight, softmaxDraft, tupleOf } from './util.ts';

/**
 * Node attributes. Weights: kernel [kh, kw, cin, multiplier], then bias [cin · multiplier] if any.
 * `pads` (from DepthwiseGeometry): zeros around the input from a folded ZeroPadding2D, applied
 * before the padding mode's own (see paddedAxisGeometry in ./padding.ts).
 */
export interface DepthwiseConv2DAttrs extends DepthwiseGeometry {
  /** Keras depth_multiplier: output channels per input channel. */
  multiplier: number;
  activation: Activation;
  /** Forces a shader variant where it applies (tests, A/B timings); absent: chosen from the shapes. */
  variant?: DepthwiseVariant;
}

/**
 * `4px_vec4` (shaders/depthwise_conv2d_4px_vec4.wgsl): multiplier 1 and channels a multiple of 4, four
 * pixels × four channels per invocation. `general` (shaders/depthwise_conv2d_general.wgsl): any shape.
 */
export type DepthwiseVariant = 'general' | '4px_vec4';

const WG = 64;
/** Output pixels per invocation of the vec4 shader (its PIXELS). */
const VEC4_PIXELS = 4;

function chooseVariant(C: number, multiplier: number, forced?: DepthwiseVariant): DepthwiseVariant {
  if (multiplier !== 1 || C % 4 !== 0) return 'general';
  return forced ?? '4px_vec4';
}

function attrsOf(node: OpNode<DepthwiseConv2DAttrs>): DepthwiseConv2DAttrs {
  return node.attrs;
}

/** The window geometry shared by DepthwiseConv2D and SeparableConv2D configs. */
function geometryOf(layer: KerasLayer): Conv2DGeometry {
  const c = layer.config;
  return {
    kernelSize: tupleOf(c.kernel_size, 2, 'kernel_size', layer),
    strides: tupleOf(c.strides ?? 1, 2, 'strides', layer),
    dilation: tupleOf(c.dilation_rate ?? 1, 2, 'dilation_rate', layer),
    padding: parsePadding(c.padding ?? 'valid', layer),
  };
}

function multiplierOf(layer: KerasLayer, kernel: WeightTensor): number {
  const m = countOf(layer.config.depth_multiplier, 'depth_multiplier', layer) ?? kernel.shape[3];
  if (!Number.isInteger(m) || m < 1 || kernel.shape[3] !== m) {
    throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): depth_multiplier ${m} does not match kernel shape [${kernel.shape.join(', ')}]`);
  }
  return m;
}

/** SeparableConv2D → depthwise node + pointwise 1×1 conv2d node (see the file comment). */
function separableDrafts(layer: KerasLayer, ctx: ImportContext): NodeDraft<object>[] {
  const c = layer.config;
  const geometry = geometryOf(layer);
  if (geometry.strides.some((s) => s > 1) && geometry.dilation.some((d) => d > 1)) {
    // TF's separable_conv2d rejects this combination too.
    throw new UnsupportedLayerError(layer.name, layer.className, 'strides > 1 together with dilation_rate > 1');
  }
  const parsed = parseActivation(c.activation, ctx.kerasMajor, layer.name, layer.className);
  const depthwiseKernel = requireWeight(layer, 0, 'depthwise_kernel');
  const pointwise = requireWeight(layer, 1, 'pointwise_kernel');
  const dw: DepthwiseConv2DAttrs = { ...geometry, multiplier: multiplierOf(layer, depthwiseKernel), activation: LINEAR };
  const filters = c.filters ?? pointwise.shape[3];
  const pw: Conv2DAttrs = {
    filters,
    kernelSize: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    padding: 'valid',
    groups: 1,
    activation: parsed.act,
  };
  const pwWeights = [{ ...pointwise, name: 'kernel' }];
  if (c.use_bias ?? true) pwWeights.push(requireWeight(layer, 2, 'bias'));
  const drafts: NodeDraft<object>[] = [
    { op: 'depthwise_conv2d', attrs: dw, weights: [{ ...depthwiseKernel, name: 'kernel' }] },
    { op: 'conv2d', attrs: pw, weights: pwWeights },
  ];
  return parsed.softmax ? [...drafts, softmaxDraft(-1)] : drafts;
}

export const depthwiseConv2d = defineOp<DepthwiseConv2DAttrs>({
  op: 'depthwise_conv2d',

  fromKeras(layer, ctx) {
    requireChannelsLast(layer);
    if (layer.className === 'SeparableConv2D') return separableDrafts(layer, ctx);
    const c = layer.config;
    const parsed = parseActivation(c.activation, ctx.kerasMajor, layer.name, layer.className);
    const kernel = requireWeight(layer, 0, 'kernel');
    const weights = [kernel];
    if (c.use_bias ?? true) weights.push(requireWeight(layer, 1, 'bias'));
    const attrs: DepthwiseConv2DAttrs = { ...geometryOf(layer), multiplier: multiplierOf(layer, kernel), activation: parsed.act };
    const draft: NodeDraft<object> = { op: 'depthwise_conv2d', attrs: attrs, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const k = node.weights[0].shape;
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 4) throw new ShapeError(`${where} expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
    if (k.length !== 4 || k[0] !== a.kernelSize[0] || k[1] !== a.kernelSize[1] || k[3] !== a.multiplier) {
      throw new ShapeError(`${where}: kernel shape [${k.join(', ')}] does not match kernel_size ${a.kernelSize} and depth_multiplier ${a.multiplier}`);
    }
    if (k[2] !== input[3]) throw new ShapeError(`${where} expects ${k[2]} input channels, got ${input[3]} (input shape [${input.join(', ')}])`);
    const { gy, gx } = depthwiseAxes(input[1], input[2], a);
    if (gy.out <= 0 || gx.out <= 0) {
      throw new ShapeError(`${where}: input ${input[1]}×${input[2]} is smaller than its dilated ${a.kernelSize.join('×')} kernel with 'valid' padding`);
    }
    return [input[0], gy.out, gx.out, input[3] * a.multiplier];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const { gy, gx } = depthwiseAxes(H, W, a);
    const vec4 = chooseVariant(C, a.multiplier, a.variant) === '4px_vec4';
    const items = vec4 ? N * OH * Math.ceil(OW / VEC4_PIXELS) * (F / 4) : N * OH * OW * F;
    return [
      {
        label: `${node.name}/depthwise_conv2d`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_depthwise_conv2d_params.wgsl', vec4 ? 'depthwise_conv2d_4px_vec4.wgsl' : 'depthwise_conv2d_general.wgsl'],
        constants: { WG, ...activationConstants(a.activation) },
        params: {
          batch: N, inH: H, inW: W, inC: C, outH: OH, outW: OW, outC: F, multiplier: a.multiplier,
          kH: a.kernelSize[0], kW: a.kernelSize[1], strideH: a.strides[0], strideW: a.strides[1],
          dilationH: a.dilation[0], dilationW: a.dilation[1], padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: node.weights[0].data, label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: node.weights[1]?.data ?? new Float32Array(F), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(items, WG),
        flops: 2 * N * OH * OW * F * a.kernelSize[0] * a.kernelSize[1],
      },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  // Taps outside the input already read zero, so padding the input first only moves the window.
  absorbPadding(node, pads) {
    const p = attrsOf(node).pads ?? [[0, 0], [0, 0]];
    const merged: ExplicitPads = [
      [p[0][0] + pads.top, p[0][1] + pads.bottom],
      [p[1][0] + pads.left, p[1][1] + pads.right],
    ];
    return { ...node, attrs: { ...node.attrs, pads: merged } };
  },

  // [kh, kw, cin, multiplier]: the cin·multiplier outputs are the fastest axes together.
  foldScaleShift: (node, scale, shift) =>
    foldIntoKernel(node, node.weights[0].shape[2] * node.weights[0].shape[3], 1, scale, shift),
});
