/**
 * Conv2DTranspose (U-Net decoders): Keras' transposed convolution with strides, 'same'/'valid',
 * output_padding, fused bias and activation; dilation 1 only. Output size follows Keras
 * (backend_utils.compute_conv_transpose_output_shape), the padding follows TF's conv_transpose
 * (see src/reference/conv2d-transpose.ts). Kernels:
 * - `tap` (shaders/conv2d_transpose_tap.wgsl): kernel = stride, no padding, no output_padding rows
 *   (the U-Net up-conv, 2×2 stride 2 'valid'), inC % 4 = 0. The taps do not overlap, so the op is
 *   kH·kW matrix products [N·H·W, inC] × [inC, outC], register-blocked like conv2d_1x1.wgsl.
 *   Measured on SwiftShader, U-Net 256×256×1 (4 up-convs): 172 → 15 ms, 0.39 → 4.4 GFLOP/s.
 * - `gather` (shaders/conv2d_transpose.wgsl): everything else, one output element per invocation.
 */
import { ShapeError } from '../errors.ts';
import { activationConstants } from '../graph/activations.ts';
import type { Activation } from '../graph/ir.ts';
import { transposeAxis, type Conv2DTransposeGeometry } from '../geometry/window.ts';
import { convTransposeFromKeras } from './conv-transpose-import.ts';
import { foldIntoKernel, fuseIntoEpilogue } from './epilogue.ts';
import { padOutputAxis } from './conv2d-variant.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, type OpNode } from './types.ts';

/** Node attributes. Weights: kernel [kh, kw, filters, cin] (Keras layout), then bias [filters] if any. */
export interface Conv2DTransposeAttrs extends Conv2DTransposeGeometry {
  filters: number;
  activation: Activation;
  /** Forces a kernel (tests, A/B timings); `tap` is taken only where it applies. */
  variant?: Conv2DTransposeVariant;
}

export type Conv2DTransposeVariant = 'gather' | 'tap';

const WG = 64;
/** The tap kernel's tile: input pixels × output channels per invocation. */
const TAP_ROWS = 8;
const TAP_CHANNELS = 8;

const attrsOf = (node: OpNode<Conv2DTransposeAttrs>): Conv2DTransposeAttrs => node.attrs;

function axes(a: Conv2DTransposeAttrs, H: number, W: number): { y: ReturnType<typeof transposeAxis>; x: ReturnType<typeof transposeAxis> } {
  return {
    y: transposeAxis(H, a.kernelSize[0], a.strides[0], a.padding, a.outputPadding?.[0] ?? null),
    x: transposeAxis(W, a.kernelSize[1], a.strides[1], a.padding, a.outputPadding?.[1] ?? null),
  };
}

/**
 * Whether the tap kernel can run: kernel = stride on both axes, no padding before, and an output of
 * exactly stride × input (no output_padding rows, which only the bias would reach), so each output
 * pixel takes exactly one tap; inC % 4 = 0 for its vec4 input loads.
 */
export function tapApplies(a: Conv2DTransposeAttrs, H: number, W: number, C: number): boolean {
  const g = axes(a, H, W);
  return (
    C % 4 === 0 &&
    a.kernelSize[0] === a.strides[0] && a.kernelSize[1] === a.strides[1] &&
    g.y.padBefore === 0 && g.x.padBefore === 0 &&
    g.y.out === H * a.strides[0] && g.x.out === W * a.strides[1]
  );
}

/**
 * Keras' kernel [kH, kW, F, C] re-laid for the tap kernel: one [C, F8] matrix per tap, F zero-padded
 * to a multiple of 8 (the shader's two vec4 blocks). Cached per weight array, like padOutputAxis.
 */
const tapLayouts = new WeakMap<Float32Array, Float32Array>();
function tapKernel(kernel: Float32Array, taps: number, F: number, C: number): Float32Array {
  let hit = tapLayouts.get(kernel);
  if (!hit) {
    const F8 = Math.ceil(F / TAP_CHANNELS) * TAP_CHANNELS;
    hit = new Float32Array(taps * C * F8);
    for (let t = 0; t < taps; t++) {
      for (let f = 0; f < F; f++) {
        const src = (t * F + f) * C;
        for (let c = 0; c < C; c++) hit[(t * C + c) * F8 + f] = kernel[src + c];
      }
    }
    tapLayouts.set(kernel, hit);
  }
  return hit;
}

export const conv2dTranspose = defineOp<Conv2DTransposeAttrs>({
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

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const g = axes(a, H, W);
    const flops = 2 * N * H * W * C * F * a.kernelSize[0] * a.kernelSize[1];
    if (a.variant !== 'gather' && tapApplies(a, H, W, C)) {
      const taps = a.kernelSize[0] * a.kernelSize[1];
      const blocks = Math.ceil(F / TAP_CHANNELS) * (TAP_CHANNELS / 4);
      const tiles = Math.ceil((N * H * W) / TAP_ROWS);
      return [
        {
          label: `${node.name}/conv2d_transpose`,
          shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_tile_8x8.wgsl', 'lib_gemm_8x8.wgsl', 'conv2d_transpose_tap.wgsl'],
          constants: { WG, ...activationConstants(a.activation) },
          params: {
            batch: N, inH: H, inW: W, inC: C, outH: OH, outW: OW, outC: F, outBlocks: blocks,
            kH: a.kernelSize[0], kW: a.kernelSize[1],
          },
          bindings: {
            input: { kind: 'tensor', name: node.inputs[0] },
            kernel: { kind: 'constant', data: tapKernel(node.weights[0].data, taps, F, C), label: `${node.name}/kernel` },
            bias: { kind: 'constant', data: padOutputAxis(node.weights[1]?.data ?? new Float32Array(F), F, 1, TAP_CHANNELS), label: `${node.name}/bias` },
            output: { kind: 'tensor', name: node.output },
          },
          dispatch: dispatch1D(tiles * taps * (blocks / 2), WG),
          flops,
        },
      ];
    }
    return [
      {
        label: `${node.name}/conv2d_transpose`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_input_output.wgsl', 'lib_channels_last_index.wgsl', 'lib_conv_transpose_gather.wgsl', 'conv2d_transpose.wgsl'],
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
        flops,
      },
    ];
  },

  fuseActivation: fuseIntoEpilogue,

  // [kh, kw, F, C]: the output channel is the second-fastest axis.
  foldScaleShift: (node, scale, shift) => foldIntoKernel(node, attrsOf(node).filters, node.weights[0].shape[3], scale, shift),
});
