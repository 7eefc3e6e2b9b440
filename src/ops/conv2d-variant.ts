/**
 * Which conv2d shader runs a Conv2D node, and the weight layout it wants.
 *
 * Selection rule (measured on the malaria ResNet under SwiftShader; see the commit log):
 * - `1x1`    (shaders/conv2d_1x1.wgsl): groups = 1, inC % 4 = 0, 1×1 kernel, stride 1 and no padding.
 *            The conv is a plain [N·H·W, inC] × [inC, outC] matrix product: 8 rows × 8 channels.
 * - `8px8ch_vec4`   (shaders/conv2d_8px8ch_vec4.wgsl): groups = 1 and inC % 4 = 0 otherwise. Direct conv with vec4
 *            input loads along channels: 8 pixels × 8 channels per invocation.
 * - `8px8ch_scalar` (shaders/conv2d_8px8ch_scalar.wgsl): groups = 1, inC not a multiple of 4 (an RGB stem): the
 *            8 pixels × 8 channels tile with scalar input loads (1.4–1.5× the grouped variant).
 * - `grouped` (shaders/conv2d_grouped.wgsl): groups > 1. Scalar input loads, 4 pixels × 4 channels per
 *            invocation; its channel blocks are padded per group, which the 8-channel tiles are not.
 * The vector variants need a pixel's channels to start on a vec4 boundary (inC % 4 = 0) and read
 * every input channel for every filter (groups = 1).
 * - `winograd` (src/ops/conv2d-winograd.ts, three shaders): F(4×4, 3×3) for 3×3 stride-1
 *            dilation-1 convs with groups = 1 and inC % 4 = 0; chosen by useWinograd below, else
 *            such a conv runs on `8px8ch_vec4`.
 */
import type { Conv2DGeometry } from '../geometry/window.ts';
import { chunkFits } from './winograd-scratch.ts';

export type Conv2DVariant = 'grouped' | '8px8ch_scalar' | '8px8ch_vec4' | '1x1';
/** Every way a Conv2D can run: the direct variants above, or the three-step Winograd convolution. */
export type Conv2DAlgorithm = Conv2DVariant | 'winograd';

export interface VariantInfo {
  /** The kernel file (its entry point); linked last. */
  shader: string;
  /** The shared WGSL fragments the kernel file is linked after (shaders/lib_*.wgsl, see their headers). */
  fragments: readonly string[];
  /** Output channels per invocation: the kernel and bias are padded to a multiple of this. */
  channels: number;
  /** Adjacent output pixels per invocation (the dispatch counts tiles of this width). */
  pixels: number;
}

/** The fragments of every 8 × 8 direct variant: params, the register tile and its residual epilogue. */
const TILE_8X8_STORE = ['lib_conv2d_params.wgsl', 'lib_tile_8x8.wgsl', 'lib_conv_store.wgsl', 'lib_conv_store_8x8.wgsl'];

export const VARIANTS: Record<Conv2DVariant, VariantInfo> = {
  grouped: { shader: 'conv2d_grouped.wgsl', fragments: ['lib_conv2d_params.wgsl', 'lib_conv_4px.wgsl', 'lib_conv_store.wgsl'], channels: 4, pixels: 4 },
  '8px8ch_scalar': { shader: 'conv2d_8px8ch_scalar.wgsl', fragments: [...TILE_8X8_STORE, 'lib_conv2d_8px8ch.wgsl', 'lib_conv2d_8px8ch_scalar.wgsl', 'lib_conv2d_tile.wgsl'], channels: 8, pixels: 8 },
  '8px8ch_vec4': { shader: 'conv2d_8px8ch_vec4.wgsl', fragments: [...TILE_8X8_STORE, 'lib_conv2d_8px8ch.wgsl', 'lib_conv2d_8px8ch_vec4.wgsl', 'lib_conv2d_tile.wgsl'], channels: 8, pixels: 8 },
  '1x1': { shader: 'conv2d_1x1.wgsl', fragments: [...TILE_8X8_STORE, 'lib_gemm_8x8.wgsl'], channels: 8, pixels: 8 },
};

/**
 * The fastest variant that can run the conv. `forced` (tests and A/B timings) picks another one,
 * taken only where it applies: 8px8ch_vec4 where 1x1 could run, 8px8ch_scalar and grouped wherever groups = 1.
 */
export function chooseVariant(
  inC: number,
  g: Conv2DGeometry,
  padTop: number,
  padLeft: number,
  forced?: Conv2DVariant,
): Conv2DVariant {
  if ((g.groups ?? 1) !== 1) return 'grouped';
  if (inC % 4 !== 0) return forced === 'grouped' ? 'grouped' : '8px8ch_scalar';
  const pointwise =
    g.kernelSize[0] === 1 && g.kernelSize[1] === 1 && g.strides[0] === 1 && g.strides[1] === 1 && padTop === 0 && padLeft === 0;
  if (forced === 'grouped' || forced === '8px8ch_scalar' || forced === '8px8ch_vec4') return forced;
  return pointwise ? '1x1' : '8px8ch_vec4';
}

/** Whether Winograd F(4×4, 3×3) can run the conv: 3×3, stride 1, dilation 1, groups 1, inC % 4 = 0. */
export function winogradApplies(inC: number, g: Conv2DGeometry): boolean {
  const ones = (t: readonly number[]) => t[0] === 1 && t[1] === 1;
  return (g.groups ?? 1) === 1 && inC % 4 === 0 && g.kernelSize[0] === 3 && g.kernelSize[1] === 3 && ones(g.strides) && ones(g.dilation);
}

/**
 * Whether the conv runs on Winograd rather than a direct variant: wherever it applies and its
 * smallest chunk of tiles (8) keeps the scratch within budget (./winograd-scratch.ts). Measured on
 * SwiftShader (same-run A/B vs vec4, 3×3 same stacks): faster at every size and channel count
 * tried, 2–3× from 4 → 4 at 224² to 128 → 256 at 14²; the budget turns it down only for deep
 * layers on small images (e.g. 256 → 256 at 14², 512 → 512 at 7²), where 8 tiles of V + M would
 * exceed the scratch budget (winograd-scratch.ts: a tenth of the conv's input + output bytes, so
 * the plan's peak stays within 10 % of its live tensors) and the transformed kernel (4× the
 * kernel's bytes) dwarfs the activations.
 * `forced` 'winograd' takes it wherever it applies; any other forced variant keeps the direct kernels.
 */
export function useWinograd(
  inC: number,
  outC: number,
  g: Conv2DGeometry,
  scratchBudget: number,
  forced?: Conv2DAlgorithm,
): boolean {
  if (!winogradApplies(inC, g)) return false;
  if (forced !== undefined) return forced === 'winograd';
  return chunkFits(inC, Math.ceil(outC / 8) * 8, scratchBudget);
}

/**
 * A kernel (or bias) re-laid for the vec4 shaders (conv2d variants, conv3d, dense): rows of `cout`
 * output channels, each group's `cout / groups` channels zero-padded to a whole number of
 * `width`-channel blocks so that no block straddles two groups. With one group and cout a multiple of `width` that is the data itself.
 * Cached per weight array and width: plans built again for the same model (other input sizes)
 * upload the same data without re-laying it.
 */
const padded = new Map<number, WeakMap<Float32Array, Float32Array>>();
export function padOutputAxis(data: Float32Array, cout: number, groups: number, width: number): Float32Array {
  const fg = cout / groups;
  if (fg % width === 0) return data;
  let cache = padded.get(width);
  if (!cache) padded.set(width, (cache = new WeakMap()));
  let hit = cache.get(data);
  if (!hit) {
    const rows = data.length / cout;
    const groupWidth = Math.ceil(fg / width) * width;
    const rowWidth = groups * groupWidth;
    hit = new Float32Array(rows * rowWidth);
    for (let r = 0; r < rows; r++) {
      for (let g = 0; g < groups; g++) {
        hit.set(data.subarray(r * cout + g * fg, r * cout + (g + 1) * fg), r * rowWidth + g * groupWidth);
      }
    }
    cache.set(data, hit);
  }
  return hit;
}
