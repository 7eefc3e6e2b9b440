/** Shape inference: concrete shapes for every tensor, from concrete input shapes. */
import { ShapeError } from '../errors.ts';
import { opModule } from '../ops/registry.ts';
import { shapeToString } from '../tensor.ts';
import type { Graph } from '../graph/ir.ts';

/**
 * Checks the given input shapes against the declared ones and propagates them. Rank and channel
 * count must match; other dimensions may differ (fully convolutional models run at any size), and
 * when a layer cannot accept the result, the error says which input dimension caused it.
 */
export function inferShapes(graph: Graph, inputShapes: readonly (readonly number[])[]): Map<string, number[]> {
  if (inputShapes.length !== graph.inputs.length) {
    throw new ShapeError(`The model takes ${graph.inputs.length} input(s), got ${inputShapes.length}`);
  }
  const shapes = new Map<string, number[]>();
  let resized = false;
  graph.inputs.forEach((input, i) => {
    const given = inputShapes[i];
    const declared = input.shape;
    const expected = shapeToString(declared);
    if (given.length !== declared.length) {
      throw new ShapeError(`Input ${i} must have shape ${expected} (rank ${declared.length}), got ${shapeToString(given)}`);
    }
    if (given.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ShapeError(`Input ${i} has an invalid shape ${shapeToString(given)}`);
    }
    const last = declared.length - 1;
    if (declared[last] !== null && given[last] !== declared[last]) {
      throw new ShapeError(`Input ${i} must have ${declared[last]} channels (shape ${expected}), got ${shapeToString(given)}`);
    }
    if (declared.some((d, k) => k > 0 && d !== null && d !== given[k])) resized = true;
    shapes.set(input.name, [...given]);
  });
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => {
      const s = shapes.get(t);
      if (!s) throw new Error(`internal: tensor ${t} used by ${node.name} before it is defined`);
      return s;
    });
    try {
      shapes.set(node.output, opModule(node.op).inferShape(node, ins));
    } catch (err) {
      if (resized && err instanceof ShapeError) {
        const declared = graph.inputs.map((i) => shapeToString(i.shape)).join(', ');
        throw new ShapeError(
          `The input shape ${inputShapes.map(shapeToString).join(', ')} differs from the declared ${declared}, and the model cannot run at that size: ${err.message}`,
        );
      }
      throw err;
    }
  }
  return shapes;
}
