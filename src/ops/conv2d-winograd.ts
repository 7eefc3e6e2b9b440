/**
 * Winograd convolution F(4×4, 3×3) for the 3×3 stride-1 convs that dominate ResNet-style models
 * (groups 1, dilation 1, inC % 4 = 0; src/ops/conv2d-variant.ts says when it is chosen).
 *
 * The output is cut into 4×4 tiles; each reads a 6×6 input patch d. With the transformed kernel
 * U = G·g·Gᵀ (6×6 per input/output channel pair, computed here on the CPU once per weight array),
 *   out tile = Aᵀ · [ Σ_ci (Bᵀ·d_ci·B) ⊙ U_ci,co ] · A,
 * and the sum over ci at each of the 36 points p is a matrix product over (tiles × inC)·(inC × outC).
 * That is 36·16⁻¹ = 2.25 multiplies per output and input channel against 9 for the direct conv, and
 * the products run in a register-blocked GEMM (shaders/conv2d_winograd_gemm.wgsl) instead of a convolution
 * loop. Three steps, each its own dispatch:
 *   1. shaders/conv2d_winograd_input.wgsl   input patches → V [36][chunkTiles][inC]
 *   2. shaders/conv2d_winograd_gemm.wgsl    M[p] = V[p] · U[p]  → M [36][chunkTiles][outC padded to 8]
 *   3. shaders/conv2d_winograd_output.wgsl  M → out tile, plus bias, residual and activation (the epilogue of
 *                                    the direct conv kernels), writing only real pixels and channels.
 *
 * Memory: V and M for every tile at once would be 2.25× the input plus 2.25× the output, more than
 * the conv's own tensors, and the plan's peak activation memory must stay near its largest live
 * tensors. So the tiles are processed in chunks whose V + M take at most 1/10 of the conv's input +
 * output bytes (./winograd-scratch.ts), one dispatch triple per chunk, in order, sharing one
 * V and one M scratch buffer (same labels; src/scheduler/layout.ts). Chunks also keep V and M
 * small enough to stay in a CPU cache on SwiftShader.
 *
 * Accuracy: Bᵀ and Aᵀ have entries up to 5 and 8 and G has 1/6, 1/12, 1/24, so the rounding error
 * of the f32 sums grows by roughly the product of their norms (tens) against the direct conv;
 * test/gpu/kernels/conv2d-winograd.test.ts states the bound it checks.
 */
import { activationConstants } from '../graph/activations.ts';

import type { Conv2DAttrs } from './conv2d.ts';
import { residualEpilogue } from './conv2d-residual.ts';
import { padOutputAxis } from './conv2d-variant.ts';
import { dispatch1D } from './dispatch.ts';
import type { AxisGeometry } from '../geometry/window.ts';
import type { BufferRef, KernelStep, OpNode } from './types.ts';
import { chunkTiles, POINTS } from './winograd-scratch.ts';

const WG = 64;
/** Output tile edge (F(4×4, 3×3)) and input patch edge. */
const TILE = 4;
const PATCH = 6;
/** G of F(4×4, 3×3) (Lavin & Gray): U = G·g·Gᵀ. */
const G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

const transformed = new WeakMap<Float32Array, Float32Array>();
/**
 * The HWIO kernel [3, 3, inC, outC] transformed to U [36][inC][outPad] (outPad = outC rounded up to
 * 8, zero-filled), in float64 then rounded once. Cached per weight array, like padOutputAxis: plans
 * built again for other input sizes reuse it.
 */
export function winogradKernel(data: Float32Array, inC: number, outC: number): Float32Array {
  const hit = transformed.get(data);
  if (hit) return hit;
  const outPad = Math.ceil(outC / 8) * 8;
  const u = new Float32Array(POINTS * inC * outPad);
  const g = new Float64Array(9);
  const gg = new Float64Array(PATCH * 3); // G·g
  for (let ci = 0; ci < inC; ci++) {
    for (let co = 0; co < outC; co++) {
      for (let k = 0; k < 9; k++) g[k] = data[(k * inC + ci) * outC + co];
      for (let a = 0; a < PATCH; a++) {
        for (let kx = 0; kx < 3; kx++) gg[a * 3 + kx] = G[a][0] * g[kx] + G[a][1] * g[3 + kx] + G[a][2] * g[6 + kx];
      }
      for (let a = 0; a < PATCH; a++) {
        for (let b = 0; b < PATCH; b++) {
          const v = gg[a * 3] * G[b][0] + gg[a * 3 + 1] * G[b][1] + gg[a * 3 + 2] * G[b][2];
          u[((a * PATCH + b) * inC + ci) * outPad + co] = v;
        }
      }
    }
  }
  transformed.set(data, u);
  return u;
}

export interface WinogradShapes {
  input: readonly number[];
  output: readonly number[];
  gy: AxisGeometry;
  gx: AxisGeometry;
  /** Scratch bytes (V + M) the chunks may take (winograd-scratch.ts scratchBudget). */
  budget: number;
  /** Where the conv output goes: the node's output tensor unless given (conv2d_pool: a scratch the pool reads). */
  outputRef?: BufferRef;
}

/** The dispatch triples (input transform, GEMM, output transform) of a conv node, chunk by chunk. */
export function encodeWinograd(node: OpNode<Conv2DAttrs>, a: Conv2DAttrs, { input, output, gy, gx, budget, outputRef }: WinogradShapes): KernelStep[] {
  const [N, H, W, C] = input;
  const [, OH, OW, F] = output;
  const outPad = Math.ceil(F / 8) * 8;
  const outBlocks = outPad / 4;
  const tilesY = Math.ceil(OH / TILE);
  const tilesX = Math.ceil(OW / TILE);
  const total = N * tilesY * tilesX;
  const per = chunkTiles(total, C, outPad, budget);
  const v = { kind: 'scratch', bytes: 4 * POINTS * per * C, label: 'winograd-V' } as const;
  const m = { kind: 'scratch', bytes: 4 * POINTS * per * outPad, label: 'winograd-M' } as const;
  const u = { kind: 'constant', data: winogradKernel(node.weights[0].data, C, F), label: `${node.name}/kernel-winograd` } as const;
  const bias = { kind: 'constant', data: padOutputAxis(node.weights[1]?.data ?? new Float32Array(F), F, 1, 8), label: `${node.name}/bias` } as const;
  const residual = node.inputs[1];
  const { RESIDUAL, binding: residualBinding } = residualEpilogue(node);
  const epilogue = { WG, RESIDUAL, ...activationConstants(a.activation) };
  const directFlops = 2 * N * OH * OW * F * 9 * C;
  const steps: KernelStep[] = [];
  for (let tile0 = 0; tile0 < total; tile0 += per) {
    const tiles = Math.min(per, total - tile0);
    const chunk = { tile0, tiles, chunkTiles: per, tilesY, tilesX };
    steps.push(
      {
        label: `${node.name}/winograd-input`,
        shader: ['lib_flat_main.wgsl', 'conv2d_winograd_input.wgsl'],
        constants: { WG },
        params: { inH: H, inW: W, inC: C, padTop: gy.padBefore, padLeft: gx.padBefore, ...chunk },
        bindings: { input: { kind: 'tensor', name: node.inputs[0] }, v },
        dispatch: dispatch1D(tiles * (C / 4), WG),
        flops: 0,
        bytes: 4 * tiles * C * (TILE * TILE + POINTS),
      },
      {
        label: `${node.name}/winograd-gemm`,
        shader: ['lib_flat_main.wgsl', 'lib_tile_8x8.wgsl', 'lib_gemm_8x8.wgsl', 'conv2d_winograd_gemm.wgsl'],
        constants: { WG },
        params: { inC: C, outBlocks, tiles, chunkTiles: per },
        // lib_gemm_8x8.wgsl's names: V is the product's input, U its kernel, M its output.
        bindings: { input: v, kernel: u, output: m },
        dispatch: dispatch1D(POINTS * Math.ceil(tiles / 8) * (outBlocks / 2), WG),
        // The direct conv's FLOPs for this chunk's share of the output, so that profiles report
        // the effective rate (what the layer would need at that speed), comparable across variants.
        flops: (directFlops * tiles) / total,
        bytes: 4 * POINTS * (tiles * (C + outPad) + C * outPad),
      },
      {
        label: `${node.name}/winograd-output`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_conv_store.wgsl', 'conv2d_winograd_output.wgsl'],
        constants: epilogue,
        params: { outH: OH, outW: OW, outC: F, outBlocks, ...chunk },
        bindings: { m, bias, output: outputRef ?? { kind: 'tensor', name: node.output }, residual: residualBinding },
        dispatch: dispatch1D(tiles * Math.ceil(F / 4), WG),
        flops: 0,
        bytes: 4 * tiles * (POINTS * outPad + TILE * TILE * F * (residual ? 2 : 1)),
      },
    );
  }
  return steps;
}
