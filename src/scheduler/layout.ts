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
import { checkLimit } from '../limits.ts';
import type { Graph, GraphNode } from '../graph/ir.ts';
import { inferShapes } from '../compile/shapes.ts';
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
  /**
   * The most bytes of tensors and scratch alive at any one step: what any assignment must hold at
   * once (for a chain, the two largest adjacent tensors). peakBytes / liveBoundBytes is the
   * allocator's overhead.
   */
  liveBoundBytes: number;
  inputNames: string[];
  outputNames: string[];
  /** The concrete input shapes this plan was made for. */
  inputShapes: number[][];
}

export interface LayoutLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  /** The engine's limits.maxTensorElements (src/limits.ts); default there. */
  maxTensorElements?: number;
}

const bytesOf = (shape: readonly number[]): number => Math.max(16, sizeOf(shape) * 4);

/** Name under which a step's scratch buffer is tracked. */
/**
 * Name under which a scratch buffer is tracked: scoped to its node and named by the BufferRef's
 * label, so several steps of one node share a scratch buffer by giving it the same label.
 */
export const scratchName = (nodeName: string, label: string): string => `${nodeName}#${label}`;

/**
 * The shape of every tensor, each checked before anything of its size exists: against the device's
 * largest buffer (GPUMemoryError naming the layer, its shape and bytes), then against
 * limits.maxTensorElements (LimitError). Callers that allocate for a shape (autotuning's
 * measurements, planning) call this first.
 */
export function checkedShapes(graph: Graph, inputShapes: readonly (readonly number[])[], limits: LayoutLimits): Map<string, number[]> {
  const shapes = inferShapes(graph, inputShapes);
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const bind = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  for (const [name, shape] of shapes) {
    const node = producer.get(name);
    const elements = sizeOf(shape);
    if (elements * 4 > bind) {
      throw new GPUMemoryError(
        `${node ? 'its output' : `input "${name}"`} ${shapeToString(shape)} needs a ${elements * 4}-byte buffer, but this GPU binds at most ${bind} bytes; try a smaller input or batch`,
        node?.name,
      );
    }
    const what = node ? `Layer "${node.name}" (${node.kerasClass}): its output ${shapeToString(shape)}` : `Input "${name}" ${shapeToString(shape)}`;
    checkLimit({ maxTensorElements: limits.maxTensorElements }, 'maxTensorElements', elements, what, 'elements');
  }
  return shapes;
}

export function planLayout(graph: Graph, inputShapes: readonly (readonly number[])[], limits: LayoutLimits): PlanLayout {
  const shapes = checkedShapes(graph, inputShapes, limits);
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
    liveBoundBytes: liveBound(firstDef, lastUse, bytes, graph.nodes.length),
    inputNames: graph.inputs.map((i) => i.name),
    outputNames: [...graph.outputs],
    inputShapes: inputShapes.map((s) => [...s]),
  };
}

/** Largest sum of the sizes of buffers alive at one step (inputs before step 0 count at step 0). */
function liveBound(firstDef: Map<string, number>, lastUse: Map<string, number>, bytes: Map<string, number>, steps: number): number {
  const atStep = new Array<number>(steps + 1).fill(0);
  for (const [name, size] of bytes) {
    const def = Math.max(0, firstDef.get(name)!);
    const last = Math.min(steps, Math.max(def, lastUse.get(name) ?? def));
    for (let k = def; k <= last; k++) atStep[k] += size;
  }
  return Math.max(...atStep);
}

type SlotAssignment = { slotOf: Map<string, number>; slotBytes: number[] };

/**
 * Buffers to slots: the cheaper (smaller sum of slot sizes) of two greedy assignments, both
 * linear-time in practice. A slot's size is its largest buffer, so the plan's activation memory is
 * the sum of the slot sizes; the lower bound any assignment can reach is the largest total of
 * buffers alive at one step (for a chain, the two largest adjacent tensors). Neither heuristic
 * wins everywhere: by size is near that bound on U-Nets and residual nets (skip tensors pin a slot
 * each), by definition order on chains that widen and narrow.
 */
function assignSlots(
  names: string[],
  firstDef: Map<string, number>,
  lastUse: Map<string, number>,
  bytes: Map<string, number>,
): SlotAssignment {
  const a = assignBySize(names, firstDef, lastUse, bytes);
  const b = assignInOrder(names, firstDef, lastUse, bytes);
  const sum = (x: SlotAssignment): number => x.slotBytes.reduce((p, q) => p + q, 0);
  return sum(a) <= sum(b) ? a : b;
}

/**
 * Largest buffer first, each into the smallest slot none of whose buffers is alive at the same time
 * (TFLite's greedy-by-size for shared objects). Slots are sized by their first, largest buffer, so
 * later buffers never grow them. A buffer alive at step k conflicts with one defined at k: a node
 * never writes into a slot one of its inputs (or its own scratch) holds.
 */
function assignBySize(
  names: string[],
  firstDef: Map<string, number>,
  lastUse: Map<string, number>,
  bytes: Map<string, number>,
): SlotAssignment {
  const span = (n: string): [number, number] => {
    const def = firstDef.get(n)!;
    return [def, Math.max(def, lastUse.get(n) ?? def)];
  };
  // Ties by definition order, so equal-sized plans do not depend on Map iteration order.
  const order = [...names].sort((a, b) => bytes.get(b)! - bytes.get(a)! || firstDef.get(a)! - firstDef.get(b)!);
  const slotBytes: number[] = [];
  const slotSpans: [number, number][][] = [];
  const slotOf = new Map<string, number>();
  for (const name of order) {
    const [d, l] = span(name);
    let best = -1;
    for (let s = 0; s < slotBytes.length; s++) {
      if (slotSpans[s].some(([d2, l2]) => d <= l2 && d2 <= l)) continue;
      if (best < 0 || slotBytes[s] < slotBytes[best]) best = s;
    }
    if (best < 0) {
      best = slotBytes.length;
      slotBytes.push(bytes.get(name)!);
      slotSpans.push([]);
    }
    slotSpans[best].push([d, l]);
    slotOf.set(name, best);
  }
  return { slotOf, slotBytes };
}

/** Greedy best-fit assignment of buffers to slots in definition order, growing a slot when none fits. */
function assignInOrder(
  names: string[],
  firstDef: Map<string, number>,
  lastUse: Map<string, number>,
  bytes: Map<string, number>,
): SlotAssignment {
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
