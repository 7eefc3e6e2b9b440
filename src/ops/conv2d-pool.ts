/**
 * conv2d_pool: a Conv2D whose output goes only to a 2×2 stride-2 MaxPooling2D, computed in one
 * kernel that writes only the pooled tensor: the conv output is never stored, which saves its
 * memory, a full write and read of it, and the pool's dispatch. src/compile/passes/fuse-pool.ts
 * makes these nodes; canFusePool says which pairs qualify.
 *
 * Exactness: the conv's activation is applied to every conv value and the max taken after, as in
 * Keras, so any activation is exact (max and activation commute only for monotonic ones).
 *
 * Kernels: shaders/conv2d_pool_8px8ch_vec4.wgsl (vec4 input loads) where inC % 4 = 0, else
 * shaders/conv2d_pool_8px8ch_scalar.wgsl (scalar input loads, e.g. an RGB stem; what was tried there is in
 * its header).
 *
 * Winograd or fused: a conv Winograd runs (useWinograd, decided here in encode where the shapes and
 * so the scratch budget are known) is faster as Winograd into a scratch buffer plus pool2d.wgsl
 * than as the fused direct kernel (seed network conv2, 32 → 64 3×3 on 111²: about 90 against
 * 150-200 ms on SwiftShader), so such a node runs those steps; the pass fuses every qualifying
 * pair regardless. Deciding in the pass (before shapes) used to leave a conv that Winograd's
 * budget then refused running neither (the bundled malaria CNN's conv2: vec4 conv + separate pool).
 * Not autotuned: the autotuner times a candidate on a prefix of its workgroups and extrapolates
 * (src/scheduler/autotune.ts), and the pool step's many cheap workgroups (80 % of the seed conv2's,
 * ~15 % of its time) made Winograd + pool read 324 ms against the fused kernel's 174 ms when it runs
 * in about 125 ms; the tuned plan then ran the seed network 1.6× slower. Until prefixes are
 * weighted by cost, the rule decides. (Pooling inside Winograd's output transform, whose 4×4 tiles
 * hold whole 2×2 windows, would be the next step.)
 */
import { ShapeError } from '../errors.ts';
import { activationConstants } from '../graph/activations.ts';
import type { GraphNode } from '../graph/ir.ts';
import { axisGeometry, type Pool2DGeometry } from '../geometry/window.ts';
import { conv2dShape, type Conv2DAttrs } from './conv2d.ts';
import { padOutputAxis, useWinograd, winogradApplies } from './conv2d-variant.ts';
import { encodeWinograd } from './conv2d-winograd.ts';
import { dispatch1D } from './dispatch.ts';
import { pool2d, poolStep, type Pool2DAttrs } from './pool2d.ts';
import { scratchBudget } from './winograd-scratch.ts';
import { defineOp, nodeOf, type OpNode } from './types.ts';

/** Kernel variants: `8px8ch_vec4` (conv2d_pool_8px8ch_vec4.wgsl, inC % 4 = 0), `8px8ch_scalar` (conv2d_pool_8px8ch_scalar.wgsl, any inC). */
export type Conv2DPoolVariant = '8px8ch_vec4' | '8px8ch_scalar';

/** Node attributes: the conv's, plus the geometry of the max pool that follows it. */
export interface Conv2DPoolAttrs extends Conv2DAttrs {
  pool: Pool2DGeometry;
  /**
   * Forces the fused kernel and its variant where it applies (tests, A/B timings); absent: Winograd
   * plus pool where useWinograd says so, else the fused variant chosen from inC.
   */
  poolVariant?: Conv2DPoolVariant;
}

/** 8px8ch_vec4 where inC % 4 = 0 unless `8px8ch_scalar` is forced; 8px8ch_scalar otherwise. */
export function choosePoolVariant(inC: number, forced?: Conv2DPoolVariant): Conv2DPoolVariant {
  return inC % 4 === 0 && forced !== '8px8ch_scalar' ? '8px8ch_vec4' : '8px8ch_scalar';
}

const WG = 64;
/** Output channels per invocation of both kernels (kernel and bias are padded to a multiple). */
const CHANNELS = 8;
/** Pooled pixels per invocation (two conv columns each). */
const POOLED = 4;

function attrsOf(node: OpNode<Conv2DPoolAttrs>): Conv2DPoolAttrs {
  return node.attrs;
}

/**
 * Whether a conv2d node and the pool2d node reading it can become one conv2d_pool node: a max
 * pool of 2×2 with stride 2 ('valid' or 'same': TF pads only after, see the shader) and a conv
 * with one group and no fused residual. Whether Winograd runs the conv is not asked here: it
 * depends on shapes, which encode knows (see the header).
 */
export function canFusePool(conv: OpNode<Conv2DAttrs>, pool: OpNode<Pool2DAttrs>): boolean {
  if (conv.op !== 'conv2d' || pool.op !== 'pool2d' || conv.inputs.length !== 1) return false;
  const c = conv.attrs;
  const p = pool.attrs;
  const twoByTwo = [...p.poolSize, ...p.strides].every((v) => v === 2);
  // Explicit pads (if fold-padding ever gives conv2d some) are not read by this op: left alone.
  const explicitPads = 'pads' in conv.attrs;
  return p.mode === 'max' && twoByTwo && (c.groups ?? 1) === 1 && !explicitPads;
}

/** conv2d's `absorbPool` hook: the pair as one conv2d_pool node, or undefined (canFusePool). */
export function absorbPoolIntoConv(conv: OpNode<Conv2DAttrs>, poolNode: GraphNode): OpNode<Conv2DPoolAttrs> | undefined {
  const pool = nodeOf(poolNode, pool2d);
  if (!pool || !canFusePool(conv, pool)) return undefined;
  const p = pool.attrs;
  const attrs: Conv2DPoolAttrs = { ...conv.attrs, pool: { poolSize: p.poolSize, strides: p.strides, padding: p.padding } };
  return { ...conv, op: 'conv2d_pool', attrs };
}

export const conv2dPool = defineOp<Conv2DPoolAttrs>({
  op: 'conv2d_pool',

  inferShape(node, [input]) {
    const [N, H, W, F] = conv2dShape(node, [input]); // the conv's output, checked as for conv2d
    const p = attrsOf(node).pool;
    const gy = axisGeometry(H, p.poolSize[0], p.strides[0], 1, p.padding);
    const gx = axisGeometry(W, p.poolSize[1], p.strides[1], 1, p.padding);
    if (gy.out <= 0 || gx.out <= 0) {
      throw new ShapeError(`Layer "${node.name}" (${node.kerasClass}): conv output ${H}×${W} is smaller than its 2×2 pool`);
    }
    return [N, gy.out, gx.out, F];
  },

  encode(node, { inputShapes, outputShape }) {
    const a = attrsOf(node);
    const [N, H, W, C] = inputShapes[0];
    const [, OH, OW, F] = outputShape;
    const gy = axisGeometry(H, a.kernelSize[0], a.strides[0], a.dilation[0], a.padding);
    const gx = axisGeometry(W, a.kernelSize[1], a.strides[1], a.dilation[1], a.padding);
    const convH = gy.out;
    const convW = gx.out;
    const convShape = [N, convH, convW, F];
    const budget = scratchBudget(4 * (N * H * W * C + N * convH * convW * F));
    if (a.poolVariant === undefined && useWinograd(C, F, a, budget, a.variant)) {
      // The conv output lives only in this node: a scratch buffer the pool step reads.
      const convOut = { kind: 'scratch', bytes: 4 * N * convH * convW * F, label: 'conv-output' } as const;
      const pool = { mode: 'max', ...a.pool } as const;
      return [
        ...encodeWinograd(node, a, { input: inputShapes[0], output: convShape, gy, gx, budget, outputRef: convOut }),
        poolStep(`${node.name}/pool2d`, pool, convShape, outputShape, { input: convOut, output: { kind: 'tensor', name: node.output } }),
      ];
    }
    const variant = choosePoolVariant(C, a.poolVariant);
    const blocks = Math.ceil(F / CHANNELS) * (CHANNELS / 4);
    const tiles = N * OH * Math.ceil(OW / POOLED);
    const bias = node.weights[1]?.data ?? new Float32Array(F);
    return [
      {
        label: `${node.name}/conv2d_pool`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_flat_main.wgsl', 'lib_tile_8x8.wgsl', 'lib_conv2d_pool.wgsl', 'lib_conv2d_8px8ch.wgsl', `lib_conv2d_${variant}.wgsl`, `conv2d_pool_${variant}.wgsl`],
        constants: { WG, ...activationConstants(a.activation) },
        params: {
          batch: N, inH: H, inW: W, inC: C, convH, convW, outH: OH, outW: OW, outC: F, outBlocks: blocks,
          kH: a.kernelSize[0], kW: a.kernelSize[1], strideH: a.strides[0], strideW: a.strides[1],
          dilationH: a.dilation[0], dilationW: a.dilation[1], padTop: gy.padBefore, padLeft: gx.padBefore,
        },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          kernel: { kind: 'constant', data: padOutputAxis(node.weights[0].data, F, 1, CHANNELS), label: `${node.name}/kernel` },
          bias: { kind: 'constant', data: padOutputAxis(bias, F, 1, CHANNELS), label: `${node.name}/bias` },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(tiles * (blocks / 2), WG),
        // The conv's work, counted as for conv2d so that GFLOP/s compare, over the conv pixels some
        // window reads ('valid' skips a last odd row and column); the pool's max is not counted.
        flops: 2 * N * Math.min(convH, 2 * OH) * Math.min(convW, 2 * OW) * F * a.kernelSize[0] * a.kernelSize[1] * C,
        bytes: 4 * (N * H * W * C + node.weights[0].data.length + F + N * OH * OW * F),
      },
    ];
  },

  /** As conv2d's: Winograd spreads a NaN over its tiles, so with allowNonFinite the fused direct kernel runs. */
  exactNonFinite(node) {
    const a = attrsOf(node);
    if (a.variant !== undefined || a.poolVariant !== undefined || !winogradApplies(node.weights[0].shape[2], a)) return node;
    return { ...node, attrs: { ...node.attrs, variant: '8px8ch_vec4' } };
  },
});
