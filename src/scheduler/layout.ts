/**
 * The CPU half of planning: shapes, kernel steps and buffer assignment by liveness. Pure data, no
 * GPU objects, so it is unit-tested in Node; `build.ts` turns it into GPU objects.
 *
 * Buffer reuse: every tensor whose op has a kernel gets a slot when its node runs and gives it back
 * after its last reader has run (a node never writes into a slot one of its own inputs still holds).
 * Ops without a kernel (Flatten, Reshape, Dropout) alias their input's slot and extend its life.
 * Free slots are reused best-fit, growing the largest free slot when none is big enough.
 */
import { GPUMemoryError, ShapeError } from '../errors.ts';
import type { Graph, GraphNode } from '../graph/ir.ts';
import { inferShapes } from '../graph/shapes.ts';
import { opModule } from '../ops/registry.ts';
import type { KernelStep } from '../ops/types.ts';
import { sizeOf, shapeToString } from '../tensor.ts';

export interface PlannedStep {
  node: GraphNode;
  kernel: KernelStep;
}

export interface PlanLayout {
  shapes: Map<string, number[]>;
  steps: PlannedStep[];
  /** Activation slot of every tensor and scratch buffer (aliases share their source's slot). */
  slotOf: Map<string, number>;
  /** Size in bytes of each activation slot. */
  slotBytes: number[];
  /** Sum of all slots: the activation memory the plan allocates. */
  peakBytes: number;
  inputNames: string[];
  outputNames: string[];
  /** The concrete input shapes this plan was made for. */
  inputShapes: number[][];
}

export interface LayoutLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const bytesOf = (shape: readonly number[]): number => Math.max(16, sizeOf(shape) * 4);

/** Name under which a step's scratch buffer is tracked. */
/**
 * Name under which a scratch buffer is tracked: scoped to its node and named by the BufferRef's
 * label, so several steps of one node share a scratch buffer by giving it the same label.
 */
export const scratchName = (nodeName: string, label: string): string => `${nodeName}#${label}`;

export function planLayout(graph: Graph, inputShapes: readonly (readonly number[])[], limits: LayoutLimits): PlanLayout {
  const shapes = inferShapes(graph, inputShapes);
  const root = new Map<string, string>(); // tensor → tensor that owns its buffer
  const steps: PlannedStep[] = [];
  const firstDef = new Map<string, number>();
  const lastUse = new Map<string, number>();
  const bytes = new Map<string, number>();
  const ownerNode = new Map<string, string>();

  for (const input of graph.inputs) {
    root.set(input.name, input.name);
    firstDef.set(input.name, -1);
    bytes.set(input.name, bytesOf(shapes.get(input.name)!));
    ownerNode.set(input.name, `input ${input.name}`);
  }

  graph.nodes.forEach((node, index) => {
    const module = opModule(node.op);
    for (const t of node.inputs) lastUse.set(root.get(t)!, index);
    const outShape = shapes.get(node.output)!;
    if (!module.encode) {
      const src = root.get(node.inputs[0])!;
      if (sizeOf(shapes.get(node.inputs[0])!) !== sizeOf(outShape)) {
        throw new ShapeError(
          `Layer "${node.name}" (${node.kerasClass}) cannot reshape ${shapeToString(shapes.get(node.inputs[0])!)} to ${shapeToString(outShape)}`,
        );
      }
      root.set(node.output, src);
      return;
    }
    root.set(node.output, node.output);
    firstDef.set(node.output, index);
    bytes.set(node.output, bytesOf(outShape));
    ownerNode.set(node.output, node.name);
    const kernels = module.encode(node, {
      inputShapes: node.inputs.map((t) => shapes.get(t)!),
      outputShape: outShape,
      limits: limits as GPUSupportedLimits,
    });
    for (const kernel of kernels) {
      steps.push({ node, kernel });
      for (const ref of Object.values(kernel.bindings)) {
        if (ref.kind !== 'scratch') continue;
        const name = scratchName(node.name, ref.label);
        root.set(name, name);
        firstDef.set(name, index);
        lastUse.set(name, index);
        bytes.set(name, Math.max(16, ref.bytes));
        ownerNode.set(name, node.name);
      }
    }
  });
  for (const out of graph.outputs) lastUse.set(root.get(out)!, Number.POSITIVE_INFINITY);
  for (const input of graph.inputs) if (!lastUse.has(input.name)) lastUse.set(input.name, -1);

  for (const [name, size] of bytes) {
    if (size > limits.maxStorageBufferBindingSize || size > limits.maxBufferSize) {
      throw new GPUMemoryError(
        `needs a ${size}-byte buffer for ${name}, but this GPU binds at most ${Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize)} bytes; try a smaller input or batch`,
        ownerNode.get(name),
      );
    }
  }

  const { slotOf, slotBytes } = assignSlots([...bytes.keys()], firstDef, lastUse, bytes);
  for (const [tensor, owner] of root) if (tensor !== owner) slotOf.set(tensor, slotOf.get(owner)!);
  return {
    shapes,
    steps,
    slotOf,
    slotBytes,
    peakBytes: slotBytes.reduce((a, b) => a + b, 0),
    inputNames: graph.inputs.map((i) => i.name),
    outputNames: [...graph.outputs],
    inputShapes: inputShapes.map((s) => [...s]),
  };
}

/** Greedy best-fit assignment of buffers to slots in definition order. */
function assignSlots(
  names: string[],
  firstDef: Map<string, number>,
  lastUse: Map<string, number>,
  bytes: Map<string, number>,
): { slotOf: Map<string, number>; slotBytes: number[] } {
  const order = [...names].sort((a, b) => firstDef.get(a)! - firstDef.get(b)!);
  const slotBytes: number[] = [];
  const slotFreeAfter: number[] = []; // step index after which the slot is free again
  const slotOf = new Map<string, number>();
  for (const name of order) {
    const def = firstDef.get(name)!;
    const need = bytes.get(name)!;
    let best = -1;
    for (let s = 0; s < slotBytes.length; s++) {
      if (slotFreeAfter[s] >= def) continue; // still in use when this buffer is written
      if (best < 0) {
        best = s;
        continue;
      }
      const fitsS = slotBytes[s] >= need;
      const fitsB = slotBytes[best] >= need;
      if ((fitsS && (!fitsB || slotBytes[s] < slotBytes[best])) || (!fitsS && !fitsB && slotBytes[s] > slotBytes[best])) {
        best = s;
      }
    }
    if (best < 0) {
      best = slotBytes.length;
      slotBytes.push(0);
      slotFreeAfter.push(0);
    }
    slotBytes[best] = Math.max(slotBytes[best], need);
    const last = lastUse.get(name) ?? def;
    slotFreeAfter[best] = Math.max(last, def);
    slotOf.set(name, best);
  }
  return { slotOf, slotBytes };
}
