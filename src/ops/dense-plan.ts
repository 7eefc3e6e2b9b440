/**
 * Dense kernel selection and plan-time weight layout (see shaders/dense_*.wgsl).
 *
 * Two variants, chosen from shapes only:
 * - `splitk` (dense_splitk.wgsl + dense_reduce.wgsl): few output blocks and a long reduction,
 *   e.g. batch-1/batch-8 Flatten → Dense. The output alone (rows/4 × N/4 blocks) gives too few
 *   invocations to keep the device busy and each would stream a whole kernel column, so K is split
 *   into slices reduced by separate invocations; a second dispatch adds the slices, bias and
 *   activation. Memory-bound: the kernel is read exactly once.
 * - `gemm` (dense_gemm.wgsl): enough output blocks (or a short K), 4 rows × 8 units per invocation.
 *
 * Rule: `splitk` when K >= SPLITK_MIN_K and ceil(rows / RB) · ceil(N / 4) < SPLITK_MAX_BLOCKS,
 * with RB = min(rows, 4) rows per invocation; else `gemm`. The thresholds are first guesses
 * measured on SwiftShader (2 cores); autotuning can refine them. Measured there (profiler, min of
 * interleaved runs): Dense 186624→128 batch 1 28 ms (3.4 GB/s of kernel, the copy-probe bound),
 * batch 8 88 ms (4.3 GFLOP/s); gemm 256×1024·1024×1024 5.3 GFLOP/s (matmul probe 2.3–2.4).
 * The split target (SPLITK_TARGET_INVOCATIONS) swept at 1024/2048/4096 gave the same minima.
 */
import { padOutputAxis } from './conv2d-variant.ts';

/** Below this K a split buys nothing worth a second dispatch (~20 µs). */
export const SPLITK_MIN_K = 256;
/** Output-parallel invocations under which K is split. */
export const SPLITK_MAX_BLOCKS = 2048;
/** Invocations the split aims for (output blocks × slices). */
export const SPLITK_TARGET_INVOCATIONS = 4096;
/** Shortest K slice: keeps the partials (and the reduce step) small. */
export const SPLITK_MIN_SLICE = 64;

export type DensePlan =
  | { variant: 'splitk'; rowsPerInvocation: number; rowBlocks: number; slices: number; sliceLen: number }
  | { variant: 'gemm' };

/** The rule above; `forced` (autotuning, tests) takes the named variant instead. */
export function planDense(rows: number, K: number, N: number, forced?: DensePlan['variant']): DensePlan {
  const N4 = Math.ceil(N / 4);
  const rb = Math.min(rows, 4);
  const rowBlocks = Math.ceil(rows / rb);
  const blocks = rowBlocks * N4;
  if (forced === 'gemm' || (forced !== 'splitk' && (K < SPLITK_MIN_K || blocks >= SPLITK_MAX_BLOCKS))) return { variant: 'gemm' };
  const wanted = Math.ceil(SPLITK_TARGET_INVOCATIONS / blocks);
  const slicesMax = Math.max(1, Math.floor(K / SPLITK_MIN_SLICE));
  const s = Math.max(1, Math.min(wanted, slicesMax));
  const sliceLen = Math.ceil(K / s);
  return { variant: 'splitk', rowsPerInvocation: rb, rowBlocks, slices: Math.ceil(K / sliceLen), sliceLen };
}

/**
 * [rows, N] row-major → [rows, 4·ceil(N / 4)] with zero columns, so 4 consecutive units are one
 * vec4; N % 4 == 0 returns `data`. The conv kernels' re-layout (memoised per weight array).
 */
export const padColumnsTo4 = (data: Float32Array, N: number): Float32Array => padOutputAxis(data, N, 1, 4);
