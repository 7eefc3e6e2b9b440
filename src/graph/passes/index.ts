/**
 * Graph passes run after import and before planning, in order. Each pass returns a new graph and
 * leaves its input untouched, so the unoptimised graph stays available to the CPU reference.
 */
import type { Graph } from '../ir.ts';

export type GraphPass = (graph: Graph) => Graph;

/** The passes loadModel applies (BatchNorm folding, activation fusion, ...). */
export const DEFAULT_PASSES: GraphPass[] = [];

export function optimizeGraph(graph: Graph, passes: readonly GraphPass[] = DEFAULT_PASSES): Graph {
  return passes.reduce((g, pass) => pass(g), graph);
}
