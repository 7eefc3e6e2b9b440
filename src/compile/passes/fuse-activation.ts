/**
 * Fuses a standalone activation node (Keras Activation/ReLU/LeakyReLU/ELU layer) into the epilogue
 * of the op that produces its input, when that op implements `fuseActivation` (dense, conv, merges,
 * an unfolded BatchNorm, Rescaling) and has no activation of its own yet; see absorb.ts for the
 * graph conditions.
 */
import { opModule } from '../../ops/registry.ts';
import type { Activation, Graph } from '../../graph/ir.ts';
import { absorbIntoProducers } from './absorb.ts';

export function fuseActivations(graph: Graph): Graph {
  return absorbIntoProducers(graph, (producer, node) => {
    if (node.op !== 'activation') return undefined;
    return opModule(producer.op).fuseActivation?.(producer, node.attrs.activation as Activation);
  });
}
