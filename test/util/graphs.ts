/** Small graphs for kernel tests: one op, given inputs and weights. */
import type { Graph, GraphNode, WeightTensor } from '../../src/graph/ir.ts';

export interface OpCase {
  op: string;
  attrs: Record<string, unknown>;
  weights?: WeightTensor[];
  /** Concrete input shapes, batch first. */
  inputShapes: number[][];
}

/** A graph holding exactly one node of `op`, whose inputs are the graph inputs. */
export function singleOpGraph(c: OpCase, kerasVersion = '3.0.0'): Graph {
  const inputs = c.inputShapes.map((shape, i) => ({ name: `in${i}`, shape: [null, ...shape.slice(1)] as (number | null)[] }));
  const node: GraphNode = {
    name: `${c.op}_under_test`,
    kerasClass: c.op,
    op: c.op,
    inputs: inputs.map((i) => i.name),
    output: 'out',
    attrs: c.attrs,
    weights: c.weights ?? [],
  };
  return { inputs, outputs: ['out'], nodes: [node], meta: { name: 'test', kerasVersion, format: 'test' } };
}
