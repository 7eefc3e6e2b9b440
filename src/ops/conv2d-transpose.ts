/**
 * Conv2DTranspose (U-Net decoders): Keras' transposed convolution with strides, 'same'/'valid',
 * output_padding, fused bias and activation; dilation 1 only. Output size follows Keras
 * (backend_utils.compute_conv_transpose_output_shape), the padding follows TF's conv_transpose
 * (see src/reference/conv2d-transpose.ts). Kernel: shaders/conv2d_transpose.wgsl.
 */
import { ShapeError } from '../errors.ts';
import { activationConstants } from '../graph/activations.ts';
import type { Activation, GraphNode } from '../graph/ir.ts';
import { conv2dTransposeReference, transposeAxis, type Conv2DTransposeGeometry } from '../reference/conv2d-transpose.ts';
import { convTransposeFromKeras } from './conv-transpose-import.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { dispatch1D } from './dispatch.ts';
import type { OpModule } from './types.ts';

/** Node attributes. Weights: kernel [kh, kw, filters, cin] (Keras layout), then bias [filters] if any. */
export interface Conv2DTransposeAttrs extends Conv2DTransposeGeometry {
  filters: number;
  activation: Activation;
}

const WG = 64;

const attrsOf = (node: GraphNode): Conv2DTransposeAttrs => node.attrs as unknown as Conv2DTransposeAttrs;

function axes(a: Conv2DTransposeAttrs, H: number, W: number): { y: ReturnType<typeof transposeAxis>; x: ReturnType<typeof transposeAxis> } {
  return {
    y: transposeAxis(H, a.kernelSize[0], a.strides[0], a.padding, a.outputPadding?.[0] ?? null),
    x: transposeAxis(W, a.kernelSize[1], a.strides[1], a.padding, a.outputPadding?.[1] ?? null),
  };
}

export const conv2dTranspose: OpModule = {
  op: 'conv2d_transpose',

  fromKeras: (layer, ctx) => convTransposeFromKeras(layer, ctx, 2, 'conv2d_transpose'),

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const k = node.weights[0].shape;
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 4) throw new ShapeError(`${where} expects a 4-D input [N, H, W, C], got [${input.join(', ')}]`);
    if (k.length !== 4 || k[0] !== a.kernelSize[0] || k[1] !== a.kernelSize[1] || k[2] !== a.filters) {
      throw new ShapeError(`${where}: kernel shape [${k.join(', ')}] does not match kernel_size ${a.kernelSize} and ${a.filters} filters`);
    }
    if (k[3] !== input[3]) throw new ShapeError(`${where} expects ${k[3]} input channels, got ${input[3]} (input shape [${input.join(', ')}])`);
    const g = axes(a, input[1], input[2]);
    return [input[0], g.y.out, g.x.out, a.filters];
  },

  reference(node, [input]) {
    const a = attrsOf(node);
    return conv2dTransposeReference(input, node.weights[0].data, node.weights[1]?.data, a.filters, a, a.activation);
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const g = axes(a, H, W);
    return [
      {
        label: `${node.name}/conv2d_transpose`,
        shader: ['activation.wgsl', 'conv2d_transpose.wgsl'],
        constants: { WG, ...activationConstants(a.activation) },
        params: {
          batch: N, inH: H, inW: W, inC: C, outH: OH, outW: OW, outC: F,
          kH: a.kernelSize[0], kW: a.kernelSize[1], strideH: a.strides[0], strideW: a.strides[1],
          padTop: g.y.padBefore, padLeft: g.x.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: node.weights[0].data, label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: node.weights[1]?.data ?? new Float32Array(F), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(N * OH * OW * F, WG),
        // Every input pixel meets every tap once: the scatter form's count.
        flops: 2 * N * H * W * C * F * a.kernelSize[0] * a.kernelSize[1],
      },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  // [kh, kw, F, C]: the output channel is the second-fastest axis.
  foldScaleShift: (node, scale, shift) => foldIntoKernel(node, attrsOf(node).filters, node.weights[0].shape[3], scale, shift),
};
