/**
 * Conv2D: Keras' 2-D convolution (channels-last, HWIO kernel) with fused bias and activation:
 * TF's asymmetric 'same' padding, strides, dilation and groups. An optional second input is a
 * residual of the conv's output shape, added after the bias and before the activation (a Keras Add
 * folded in by src/compile/passes/fuse-add.ts). The shader variant is chosen from the shapes by
 * chooseVariant in ./conv2d-variant.ts (rule documented there); 3×3 stride-1 convs may instead run
 * as Winograd convolution (useWinograd there, ./conv2d-winograd.ts).
 */
import { ModelFormatError, ShapeError } from '../errors.ts';
import { activationConstants, parseActivation } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import { axisGeometry, type Conv2DGeometry } from '../geometry/window.ts';
import { absorbPoolIntoConv } from './conv2d-pool.ts';
import { chooseVariant, padOutputAxis, useWinograd, VARIANTS, winogradApplies, type Conv2DAlgorithm } from './conv2d-variant.ts';
import { encodeWinograd } from './conv2d-winograd.ts';
import { scratchBudget } from './winograd-scratch.ts';
import { fuseConvResidual, residualEpilogue } from './conv2d-residual.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { dispatch1D } from './dispatch.ts';
import { parsePadding, requireChannelsLast } from './padding.ts';
import { defineOp, type NodeDraft, type OpNode } from './types.ts';
import { countOf, requireWeight, softmaxDraft, tupleOf } from './util.ts';

/** Node attributes of a conv2d node. Weights: kernel [kh, kw, cin / groups, cout], then bias [cout] if any. */
export interface Conv2DAttrs extends Conv2DGeometry {
  filters: number;
  activation: Activation;
  /**
   * With a residual (second) input: true adds it after the activation, act(conv) + residual;
   * absent or false adds it before, act(conv + residual). See ./conv2d-residual.ts.
   */
  residualAfterActivation?: boolean;
  /** Forces a shader variant where it applies (tests, A/B timings); absent: chosen from the shapes. */
  variant?: Conv2DAlgorithm;
}

const WG = 64;

function attrsOf(node: OpNode<Conv2DAttrs>): Conv2DAttrs {
  return node.attrs;
}

/** Conv2D's shape rule (also conv2d_pool's, before its pool): checks kernel, channels and residual. */
export function conv2dShape(node: OpNode<Conv2DAttrs>, [input, residual]: readonly (readonly number[])[]): number[] {
  const a = attrsOf(node);
  const k = node.weights[0].shape;
  const where = `Layer "${node.name}" (${node.kerasClass})`;
  if (input.length !== 4) throw new ShapeError(`${where} expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
  if (k.length !== 4 || k[0] !== a.kernelSize[0] || k[1] !== a.kernelSize[1] || k[3] !== a.filters) {
    throw new ShapeError(`${where}: kernel shape [${k.join(', ')}] does not match kernel_size ${a.kernelSize} and ${a.filters} filters`);
  }
  const groups = a.groups ?? 1;
  if (k[2] * groups !== input[3]) {
    throw new ShapeError(`${where} expects ${k[2] * groups} input channels, got ${input[3]} (input shape [${input.join(', ')}])`);
  }
  const gy = axisGeometry(input[1], a.kernelSize[0], a.strides[0], a.dilation[0], a.padding);
  const gx = axisGeometry(input[2], a.kernelSize[1], a.strides[1], a.dilation[1], a.padding);
  if (gy.out <= 0 || gx.out <= 0) {
    throw new ShapeError(
      `${where}: input ${input[1]}×${input[2]} is smaller than its dilated ${a.kernelSize.join('×')} kernel with 'valid' padding`,
    );
  }
  const out = [input[0], gy.out, gx.out, a.filters];
  if (residual && (residual.length !== 4 || residual.some((d, i) => d !== out[i]))) {
    throw new ShapeError(`${where}: residual input [${residual.join(', ')}] does not match the output [${out.join(', ')}]`);
  }
  return out;
}

export const conv2d = defineOp<Conv2DAttrs>({
  op: 'conv2d',

  fromKeras(layer, ctx) {
    const c = layer.config;
    requireChannelsLast(layer);
    const groups = c.groups ?? 1;
    const parsed = parseActivation(c.activation, ctx.kerasMajor, layer.name, layer.className);
    const kernel = requireWeight(layer, 0, 'kernel');
    const weights = [kernel];
    if (c.use_bias ?? true) weights.push(requireWeight(layer, 1, 'bias'));
    const attrs: Conv2DAttrs = {
      filters: countOf(c.filters, 'filters', layer) ?? kernel.shape[3],
      kernelSize: tupleOf(c.kernel_size, 2, 'kernel_size', layer),
      strides: tupleOf(c.strides ?? 1, 2, 'strides', layer),
      dilation: tupleOf(c.dilation_rate ?? 1, 2, 'dilation_rate', layer),
      padding: parsePadding(c.padding ?? 'valid', layer),
      groups,
      activation: parsed.act,
    };
    if (!Number.isInteger(groups) || groups < 1 || attrs.filters % groups !== 0) {
      throw new ModelFormatError(`Layer "${layer.name}" (${layer.className}): groups=${groups} does not divide ${attrs.filters} filters`);
    }
    const draft: NodeDraft<object> = { op: 'conv2d', attrs: attrs, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape: conv2dShape,

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const groups = a.groups ?? 1;
    const gy = axisGeometry(H, a.kernelSize[0], a.strides[0], a.dilation[0], a.padding);
    const gx = axisGeometry(W, a.kernelSize[1], a.strides[1], a.dilation[1], a.padding);
    const budget = scratchBudget(4 * (N * H * W * C + N * OH * OW * F));
    if (useWinograd(C, F, a, budget, a.variant)) return encodeWinograd(node, a, { input: inputShapes[0], output: outputShape, gy, gx, budget });
    const forced = a.variant === 'winograd' ? undefined : a.variant;
    const variant = VARIANTS[chooseVariant(C, a, gy.padBefore, gx.padBefore, forced)];
    // Each group's filters padded to whole blocks of the variant's channels, counted in vec4 blocks.
    const groupBlocks = Math.ceil(F / groups / variant.channels) * (variant.channels / 4);
    const blocks = groups * groupBlocks;
    const tiles = variant.shader === 'conv2d_1x1.wgsl' ? Math.ceil((N * OH * OW) / variant.pixels) : N * OH * Math.ceil(OW / variant.pixels);
    const bias = node.weights[1]?.data ?? new Float32Array(F);
    const residual = node.inputs[1];
    const { RESIDUAL, binding: residualBinding } = residualEpilogue(node);
    return [
      {
        label: `${node.name}/conv2d`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', ...variant.fragments, variant.shader],
        constants: { WG, RESIDUAL, ...activationConstants(a.activation) },
        params: {
          batch: N, inH: H, inW: W, inC: C, outH: OH, outW: OW, outC: F, outBlocks: blocks,
          groupInC: C / groups, groupOutC: F / groups, groupBlocks,
          kH: a.kernelSize[0], kW: a.kernelSize[1], strideH: a.strides[0], strideW: a.strides[1],
          dilationH: a.dilation[0], dilationW: a.dilation[1], padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: padOutputAxis(node.weights[0].data, F, groups, variant.channels), label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: padOutputAxis(bias, F, groups, variant.channels), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
          residual: residualBinding,
        },
        dispatch: dispatch1D(tiles * (blocks / (variant.channels / 4)), WG),
        flops: (2 * N * OH * OW * F * a.kernelSize[0] * a.kernelSize[1] * C) / groups,
        // Counted here because the scheduler's estimate would count the input twice when it stands
        // in for an absent residual: input, weights and output once each, the residual if any.
        bytes: 4 * (N * H * W * C + node.weights[0].data.length + F + N * OH * OW * F * (residual ? 2 : 1)),
      },
    ];
  },

  /**
   * Where Winograd runs by the rule, the direct vec4 kernel is the alternative: Winograd won every
   * A/B on SwiftShader, but on a GPU with more arithmetic than bandwidth the direct kernel can win
   * (Winograd moves V and M through memory), so the device decides. Nothing else is offered.
   */
  tuningCandidates(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    if (a.variant !== undefined) return [];
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    if (!useWinograd(C, F, a, scratchBudget(4 * (N * H * W * C + N * OH * OW * F)))) return [];
    return [
      { label: 'winograd', attrs: { variant: 'winograd' } },
      { label: '8px8ch_vec4', attrs: { variant: '8px8ch_vec4' } },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  foldScaleShift(node, scale, shift) {
    // The scale would apply to the fused residual too, which the weights cannot carry.
    if (node.inputs.length > 1) return undefined;
    return foldIntoKernel(node, attrsOf(node).filters, 1, scale, shift); // HWIO: output channel last
  },

  // Called lazily: conv2d-pool.ts imports this module too.
  absorbPool: (node, pool) => absorbPoolIntoConv(node, pool),

  absorbResidual: (node, residual, addActivation) => fuseConvResidual(node, residual, addActivation),

  /**
   * Winograd's transforms mix a tile's inputs, so one NaN reaches all 16 outputs of its tile
   * (src/compile/passes/exact-non-finite.ts): convs it would take are pinned to the direct
   * 8px8ch_vec4 kernel (a conv2d_pool made from it then runs the fused kernel).
   */
  exactNonFinite(node) {
    const a = attrsOf(node);
    if (a.variant !== undefined || !winogradApplies(node.weights[0].shape[2], a)) return node;
    return { ...node, attrs: { ...node.attrs, variant: '8px8ch_vec4' } };
  },
});
