/**
 * For models loaded with `allowNonFinite: true`: runs every convolution on a kernel whose NaN and
 * ±Infinity propagation is elementwise exact, i.e. an output is NaN exactly when IEEE arithmetic on
 * the direct formula (the CPU reference) makes it NaN.
 *
 * Every kernel but one already is (shaders/lib_nan.wgsl says how max, min, clamp and ReLU keep NaN).
 * The exception is Winograd F(4×4, 3×3): its transforms mix the 6×6 input patch of a tile and the
 * 6×6 products into the 4×4 outputs with coefficients that cancel in exact arithmetic, so a NaN
 * or ±Infinity at one input reaches all 16 outputs of every tile whose patch holds it (NaN − NaN
 * does not cancel), also outputs whose receptive field does not contain it. That is never a
 * laundered number (more NaN, not less), and without the option inputs are checked finite, so the
 * default keeps Winograd's 2–3× speed. With the option the caller asked for NaN to mean something
 * per element, so 3×3 convs Winograd would take are pinned to the direct vec4 kernel (a following
 * 2×2 max pool then runs fused into it, src/ops/conv2d-pool.ts).
 *
 * Runs before the default passes; pinning a variant also takes the node out of autotuning.
 */
import { opModule } from '../../ops/registry.ts';
import type { Graph } from '../../graph/ir.ts';

/** Each node as its op's `exactNonFinite` hook pins it (conv2d: off Winograd), others unchanged. */
export function exactNonFinite(graph: Graph): Graph {
  return { ...graph, nodes: graph.nodes.map((node) => opModule(node.op).exactNonFinite?.(node) ?? node) };
}
