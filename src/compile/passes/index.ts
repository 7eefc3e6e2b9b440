/**
 * Graph passes run after import and before planning, in order. Each pass returns a new graph and
 * leaves its input untouched, so the unoptimised graph stays available to the CPU reference.
 */
import type { Graph } from '../../graph/ir.ts';
import { foldBatchNorm } from './fold-batch-norm.ts';
import { foldPadding } from './fold-padding.ts';
import { fuseActivations } from './fuse-activation.ts';
import { fuseResidualAdds } from './fuse-add.ts';
import { fusePools } from './fuse-pool.ts';

export type GraphPass = (graph: Graph) => Graph;

/**
 * The passes loadModel applies. BatchNorm folding goes first so that conv → BN → ReLU ends as one
 * conv with the ReLU fused (folding refuses a producer that already has a non-linear activation).
 * Padding folding is independent of the others (it rewrites a window op's input, not its epilogue).
 * Pool fusion needs the conv's activation already fused; it commutes with residual fusion (a conv
 * whose one reader is a pool cannot also feed an Add).
 */
export const DEFAULT_PASSES: GraphPass[] = [foldPadding, foldBatchNorm, fuseActivations, fusePools, fuseResidualAdds];

export function optimizeGraph(graph: Graph, passes: readonly GraphPass[] = DEFAULT_PASSES): Graph {
  return passes.reduce((g, pass) => pass(g), graph);
}
