/**
 * Folds an inference BatchNormalization into the preceding op when that op implements
 * `foldScaleShift` (dense, conv): y = x·scale[c] + shift[c] becomes part of its weights, and the
 * BN node disappears. The op module decides whether it can (it refuses when its own activation is
 * not linear, since BN(act(z)) is not act(BN(z))); see absorb.ts for the graph conditions.
 */
import { batchNormScaleShift } from '../../ops/batch-norm.ts';
import { opModule } from '../../ops/registry.ts';
import { ActivationKind, LINEAR, type Activation, type Graph } from '../ir.ts';
import { absorbIntoProducers } from './absorb.ts';

export function foldBatchNorm(graph: Graph): Graph {
  return absorbIntoProducers(graph, (producer, node) => {
    if (node.op !== 'batch_norm') return undefined;
    const module = opModule(producer.op);
    if (!module.foldScaleShift) return undefined;
    const { scale, shift } = batchNormScaleShift(node);
    const folded = module.foldScaleShift(producer, scale, shift);
    // A BN that already carries an activation (fused by an earlier pass) hands it on.
    const act = (node.attrs.activation as Activation | undefined) ?? LINEAR;
    if (!folded || act.kind === ActivationKind.Linear) return folded;
    return module.fuseActivation?.(folded, act);
  });
}
