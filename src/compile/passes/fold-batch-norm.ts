/**
 * Folds an inference BatchNormalization into the preceding op when that op implements
 * `foldScaleShift` (dense, conv): y = x·scale[c] + shift[c] becomes part of its weights, and the
 * BN node disappears. The op module decides whether it can (it refuses when its own activation is
 * not linear, since BN(act(z)) is not act(BN(z))); see absorb.ts for the graph conditions.
 */
import { opModule } from '../../ops/registry.ts';
import { ActivationKind, type Graph } from '../../graph/ir.ts';
import { absorbIntoProducers } from './absorb.ts';

export function foldBatchNorm(graph: Graph): Graph {
  return absorbIntoProducers(graph, (producer, node) => {
    if (node.op !== 'batch_norm') return undefined;
    const module = opModule(producer.op);
    const affine = module.foldScaleShift && opModule(node.op).scaleShiftOf?.(node);
    if (!affine) return undefined;
    const folded = module.foldScaleShift!(producer, affine.scale, affine.shift);
    // A BN that already carries an activation (fused by an earlier pass) hands it on.
    const act = affine.activation;
    if (!folded || act.kind === ActivationKind.Linear) return folded;
    return module.fuseActivation?.(folded, act);
  });
}
