/**
 * Conv2D: Keras' 2-D convolution (channels-last, HWIO kernel) with fused bias and activation:
 * TF's asymmetric 'same' padding, strides, dilation and groups.
 */
import { ModelFormatError, ShapeError } from '../errors.ts';
import { activationConstants, parseActivation } from '../graph/activations.ts';
import { ActivationKind, type Activation, type GraphNode, type WeightTensor } from '../graph/ir.ts';
import { conv2dReference, type Conv2DGeometry } from '../reference/conv2d.ts';
import { dispatch1D } from './dispatch.ts';
import { axisGeometry, parsePadding, requireChannelsLast } from './padding.ts';
import type { NodeDraft, OpModule } from './types.ts';
import { requireWeight, softmaxDraft, tupleOf } from './util.ts';

/** Node attributes of a conv2d node. Weights: kernel [kh, kw, cin / groups, cout], then bias [cout] if any. */
export interface Conv2DAttrs extends Conv2DGeometry {
  filters: number;
  activation: Activation;
}

const WG = 64;

/** Output channels per invocation in conv2d.wgsl (one vec4). */
const BLOCK = 4;
/** Adjacent output pixels (along x) per invocation in conv2d.wgsl (its PIXELS). */
const PIXELS = 4;

/**
 * A kernel (or bias) re-laid for conv2d.wgsl: rows of `cout` output channels, each group's
 * `cout / groups` channels zero-padded to whole vec4 blocks so that no block straddles two groups.
 * With one group and cout a multiple of 4 that is the data itself. Cached per weight array: plans
 * built again for the same model (other input sizes) upload the same data without re-laying it.
 */
const padded = new WeakMap<Float32Array, Float32Array>();
function padOutputAxis(data: Float32Array, cout: number, groups: number): Float32Array {
  const fg = cout / groups;
  if (fg % BLOCK === 0) return data;
  let hit = padded.get(data);
  if (!hit) {
    const rows = data.length / cout;
    const groupWidth = Math.ceil(fg / BLOCK) * BLOCK;
    const width = groups * groupWidth;
    hit = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < groups; g++) {
        hit.set(data.subarray(r * cout + g * fg, r * cout + (g + 1) * fg), r * width + g * groupWidth);
      }
    }
    padded.set(data, hit);
  }
  return hit;
}

function attrsOf(node: GraphNode): Conv2DAttrs {
  return node.attrs as unknown as Conv2DAttrs;
}

export const conv2d: OpModule = {
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
      filters: c.filters ?? kernel.shape[3],
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
    const draft: NodeDraft = { op: 'conv2d', attrs: attrs as unknown as Record<string, unknown>, weights };
    return parsed.softmax ? [draft, softmaxDraft(-1)] : draft;
  },

  inferShape(node, [input]) {
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
    return [input[0], gy.out, gx.out, a.filters];
  },

  reference(node, [input]) {
    const a = attrsOf(node);
    return conv2dReference(input, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation);
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const groups = a.groups ?? 1;
    const groupBlocks = Math.ceil(F / groups / BLOCK);
    const blocks = groups * groupBlocks;
    const gy = axisGeometry(H, a.kernelSize[0], a.strides[0], a.dilation[0], a.padding);
    const gx = axisGeometry(W, a.kernelSize[1], a.strides[1], a.dilation[1], a.padding);
    const bias = node.weights[1]?.data ?? new Float32Array(F);
    return [
      {
        label: `${node.name}/conv2d`,
        shader: ['activation.wgsl', 'conv2d.wgsl'],
        constants: { WG, ...activationConstants(a.activation) },
        params: {
          batch: N, inH: H, inW: W, inC: C, outH: OH, outW: OW, outC: F, outBlocks: blocks,
          groupInC: C / groups, groupOutC: F / groups, groupBlocks,
          kH: a.kernelSize[0], kW: a.kernelSize[1], strideH: a.strides[0], strideW: a.strides[1],
          dilationH: a.dilation[0], dilationW: a.dilation[1], padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: padOutputAxis(node.weights[0].data, F, groups), label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: padOutputAxis(bias, F, groups), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(N * OH * Math.ceil(OW / PIXELS) * blocks, WG),
        flops: (2 * N * OH * OW * F * a.kernelSize[0] * a.kernelSize[1] * C) / groups,
      },
    ];
  },

  fuseActivation(node, act) {
    if (attrsOf(node).activation.kind !== ActivationKind.Linear) return undefined;
    return { ...node, attrs: { ...node.attrs, activation: act } };
  },

  foldScaleShift(node, scale, shift) {
    // y = act(conv)·scale + shift only folds when act is the identity.
    const a = attrsOf(node);
    if (a.activation.kind !== ActivationKind.Linear) return undefined;
    const F = a.filters;
    if (scale.length !== F || shift.length !== F) return undefined;
    const k = node.weights[0];
    const kernel = new Float32Array(k.data.length);
    for (let i = 0; i < kernel.length; i++) kernel[i] = k.data[i] * scale[i % F]; // HWIO: output channel is fastest
    const oldBias = node.weights[1]?.data;
    const bias = new Float32Array(F);
    for (let c = 0; c < F; c++) bias[c] = (oldBias ? oldBias[c] : 0) * scale[c] + shift[c];
    const weights: WeightTensor[] = [
      { name: k.name, shape: k.shape, data: kernel },
      { name: 'bias', shape: [F], data: bias },
    ];
    return { ...node, weights };
  },
};
