/**
 * Which shader files a kernel test's graphs run, read from the same `encode` the GPU plan is built
 * from (no GPU needed). A multi-variant kernel test asserts that its cases together run every
 * shader file of its op, so a change to a selection rule (chooseVariant, choosePoolVariant, the
 * tap rule) cannot quietly take a kernel out of its test.
 */
import { inferShapes } from '../../../src/compile/shapes.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import { opModule } from '../../../src/ops/registry.ts';

/** The kernel files (not the linked `lib_*` fragments) that running `graph` on `inputShapes` dispatches. */
export function shaderFilesOf(graph: Graph, inputShapes: readonly (readonly number[])[]): Set<string> {
  const shapes = inferShapes(graph, inputShapes);
  const files = new Set<string>();
  for (const node of graph.nodes) {
    const steps = opModule(node.op).encode?.(node, {
      inputShapes: node.inputs.map((t) => shapes.get(t)!),
      outputShape: shapes.get(node.output)!,
      // No op's kernel choice reads the device limits; the encode contract still carries them.
      limits: {} as GPUSupportedLimits,
    });
    for (const step of steps ?? []) for (const file of step.shader) if (!file.startsWith('lib_')) files.add(file);
  }
  return files;
}

/** The union of shaderFilesOf over several graphs, sorted (for toEqual). */
export function shaderFilesOfAll(runs: readonly { graph: Graph; inputShapes: readonly (readonly number[])[] }[]): string[] {
  const all = new Set<string>();
  for (const r of runs) for (const f of shaderFilesOf(r.graph, r.inputShapes)) all.add(f);
  return [...all].sort();
}
