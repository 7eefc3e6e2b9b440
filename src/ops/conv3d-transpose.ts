/**
 * Conv3DTranspose (3-D U-Net / V-Net decoders): Keras' transposed convolution with strides,
 * 'same'/'valid', output_padding, fused bias and activation; dilation 1 and groups 1 only. Output
 * size and padding per axis follow the 2-D layer's rule (transposeAxis: Keras' output size, TF's
 * padding of the conv it inverts). Kernel: shaders/conv3d_transpose.wgsl.
 */
import { ShapeError } from '../errors.ts';
import { activationConstants } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import { transposeAxes3, type Conv3DTransposeGeometry } from '../geometry/window.ts';
import { convTransposeFromKeras } from './conv-transpose-import.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, type OpNode } from './types.ts';

/** Node attributes. Weights: kernel [kd, kh, kw, filters, cin] (Keras layout), then bias [filters] if any. */
export interface Conv3DTransposeAttrs extends Conv3DTransposeGeometry {
  filters: number;
  activation: Activation;
}

const WG = 64;

const attrsOf = (node: OpNode<Conv3DTransposeAttrs>): Conv3DTransposeAttrs => node.attrs;

export const conv3dTranspose = defineOp<Conv3DTransposeAttrs>({
  op: 'conv3d_transpose',

  fromKeras: (layer, ctx) => convTransposeFromKeras(layer, ctx, 3, 'conv3d_transpose'),

  inferShape(node, [input]) {
    const a = attrsOf(node);
    const k = node.weights[0].shape;
    const where = `Layer "${node.name}" (${node.kerasClass})`;
    if (input.length !== 5) throw new ShapeError(`${where} expects a 5-D input [N, D, H, W, C], got [${input.join(', ')}]`);
    if (k.length !== 5 || k.slice(0, 3).some((d, i) => d !== a.kernelSize[i]) || k[3] !== a.filters) {
      throw new ShapeError(`${where}: kernel shape [${k.join(', ')}] does not match kernel_size ${a.kernelSize} and ${a.filters} filters`);
    }
    if (k[4] !== input[4]) throw new ShapeError(`${where} expects ${k[4]} input channels, got ${input[4]} (input shape [${input.join(', ')}])`);
    const g = transposeAxes3(a, input);
    if (g.some((x) => x.out <= 0)) throw new ShapeError(`${where}: output size ${g.map((x) => x.out).join('×')} is empty`);
    return [input[0], ...g.map((x) => x.out), a.filters];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, D, H, W, C] = inputShapes[0];
    const [, OD, OH, OW, F] = outputShape;
    const [gz, gy, gx] = transposeAxes3(a, inputShapes[0]);
    return [
      {
        label: `${node.name}/conv3d_transpose`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'lib_conv_transpose_gather.wgsl', 'conv3d_transpose.wgsl'],
        constants: { WG, ...activationConstants(a.activation) },
        params: {
          batch: N, inD: D, inH: H, inW: W, inC: C, outD: OD, outH: OH, outW: OW, outC: F,
          kD: a.kernelSize[0], kH: a.kernelSize[1], kW: a.kernelSize[2],
          strideD: a.strides[0], strideH: a.strides[1], strideW: a.strides[2],
          padFront: gz.padBefore, padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: node.weights[0].data, label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: node.weights[1]?.data ?? new Float32Array(F), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(N * OD * OH * OW * F, WG),
        // Every input voxel meets every tap once: the scatter form's count.
        flops: 2 * N * D * H * W * C * F * a.kernelSize[0] * a.kernelSize[1] * a.kernelSize[2],
      },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  // [kd, kh, kw, F, C]: the output channel is the second-fastest axis.
  foldScaleShift: (node, scale, shift) => foldIntoKernel(node, attrsOf(node).filters, node.weights[0].shape[4], scale, shift),
});
