/**
 * The op contract. Each op module (`src/ops/<op>.ts`) owns one operation end to end: how Keras
 * layers become nodes, its shape rule and its GPU kernel steps. Its CPU reference, which judges
 * those kernels, lives apart in `src/reference/<op>.ts` (dispatched by src/reference/table.ts).
 * Modules are listed once in `registry.ts`; nothing else switches on layer or op type.
 */
import type { Activation, GraphNode, GraphMeta, WeightTensor } from '../graph/ir.ts';
import type { KerasLayer } from '../formats/keras-model.ts';

/**
 * A node before the graph builder names its tensors: op + attributes + weights. The attributes are
 * the op's own typed object (Conv2DAttrs, ...); src/compile/from-keras.ts stores them in the IR.
 */
export interface NodeDraft<A extends object = Record<string, unknown>> {
  op: string;
  attrs: A;
  weights: WeightTensor[];
}

/** A graph node whose attributes have the type its op module gives them. */
export type OpNode<A> = Omit<GraphNode, 'attrs'> & { attrs: A };

/** A rewritten node an op hook returns (its attributes typed by whichever op it now is). */
export type AnyNode = Omit<GraphNode, 'attrs'> & { attrs: object };

export interface ImportContext {
  meta: GraphMeta;
  /** Keras major version that saved the file: decides e.g. hard_sigmoid's formula. */
  kerasMajor: 2 | 3;
}

/** Where a kernel binding's data lives. */
export type BufferRef =
  /** A graph tensor (activation) by name: the scheduler maps it to a pooled buffer. */
  | { kind: 'tensor'; name: string }
  /** Constant data uploaded once at plan time (weights, possibly re-laid-out by the op). */
  | { kind: 'constant'; data: Float32Array | Uint32Array; label: string }
  /** Temporary storage private to this node (e.g. a partial sum), released after the node. */
  | { kind: 'scratch'; bytes: number; label: string };

/** One compute dispatch. The shader's layouts are reflected; bindings and params go by WGSL name. */
export interface KernelStep {
  /** `<layer name>/<kernel>`: labels GPU objects and names the layer in errors and profiles. */
  label: string;
  /**
   * WGSL files from `shaders/`, linked in order into one module (e.g. a shared activation
   * library followed by the kernel). Each file is whole, hand-written WGSL.
   */
  shader: readonly string[];
  entryPoint?: string;
  /** `override` constants (workgroup size, fused activation, ...). */
  constants?: Record<string, number>;
  /** Members of the shader's uniform `params` struct, by member name; packed from reflection. */
  params?: Record<string, number | readonly number[]>;
  /** Storage bindings by WGSL variable name. */
  bindings: Record<string, BufferRef>;
  /** Workgroup counts. */
  dispatch: readonly [number, number, number];
  /** Floating-point operations this step performs (for profiles and GFLOP/s). */
  flops?: number;
  /**
   * Bytes the step moves to and from memory, for profiles (GB/s). Absent: the scheduler estimates
   * it as the sum of the bound buffers (inputs + weights + output + scratch), each read or written
   * once; an op whose kernel re-reads inputs (no tiling) may give a better figure here.
   */
  bytes?: number;
}

export interface EncodeContext {
  /** Concrete shapes of the node's inputs and output, batch included. */
  inputShapes: readonly (readonly number[])[];
  outputShape: readonly number[];
  limits: GPUSupportedLimits;
}

/**
 * An op module. `N` is the node its methods receive, `R` what its hooks return and `D` the drafts
 * its import makes: GraphNode / NodeDraft for the registry's view (what the import, the passes and
 * the scheduler call), OpNode<Attrs> / AnyNode / NodeDraft<object> inside a module written with
 * `defineOp`, so each module reads and writes its attributes typed and never casts them.
 */
export interface OpModule<N = GraphNode, R = GraphNode, D = NodeDraft> {
  /** Registry key, also the `op` of the nodes it makes. */
  readonly op: string;
  /**
   * Turns one Keras layer into node drafts. Usually one; a layer with an activation that
   * cannot be fused (softmax) returns two, applied in order. Throws UnsupportedLayerError for
   * options it does not implement, naming the layer.
   */
  fromKeras?(layer: KerasLayer, ctx: ImportContext): D | D[];
  /** Output shape (batch included) from input shapes; throws ShapeError naming the node. */
  inferShape(node: N, inputShapes: readonly (readonly number[])[]): number[];
  /**
   * The GPU steps that compute this node. Absent for ops whose output is input 0 re-read with
   * another shape (Flatten, Reshape, identity): the scheduler aliases the buffer instead.
   */
  encode?(node: N, ctx: EncodeContext): KernelStep[];
  /**
   * Ops whose kernels end in a fused epilogue (conv, dense) implement these so graph passes can
   * merge a following activation or BatchNormalization into them. Each returns the rewritten node,
   * or undefined when it cannot absorb it (e.g. an activation is already fused).
   */
  fuseActivation?(node: N, act: Activation): R | undefined;
  /** Folds y = x·scale[c] + shift[c] (per output channel, last axis) into the node's weights. */
  foldScaleShift?(node: N, scale: Float32Array, shift: Float32Array): R | undefined;
  /**
   * Ops that are a per-channel y = x·scale[c] + shift[c] (an inference BatchNormalization)
   * implement this so src/compile/passes/fold-batch-norm.ts can fold them into a producer's
   * `foldScaleShift`: the node's scale, shift and fused activation, or undefined when it is not
   * that.
   */
  scaleShiftOf?(node: N): { scale: Float32Array; shift: Float32Array; activation: Activation } | undefined;
  /**
   * Ops whose kernel can also compute the 2×2 max pool that reads their output (conv2d) implement
   * this for src/compile/passes/fuse-pool.ts: the node rewritten to write the pooled tensor, or
   * undefined when this pair cannot be fused.
   */
  absorbPool?(node: N, pool: GraphNode): R | undefined;
  /**
   * Ops whose epilogue can add a residual tensor of their output shape (conv2d) implement this for
   * src/compile/passes/fuse-add.ts: the node rewritten to take `residual` as a second input and
   * apply `addActivation` as the Add did, or undefined when it cannot.
   */
  absorbResidual?(node: N, residual: string, addActivation: Activation): R | undefined;
  /**
   * Ops that only add zeros around an image (ZeroPadding2D) implement this for
   * src/compile/passes/fold-padding.ts: the amounts, or undefined when the node crops or pads
   * otherwise.
   */
  paddingOf?(node: N): Pads2D | undefined;
  /**
   * For models loaded with allowNonFinite (src/compile/passes/exact-non-finite.ts): the node
   * pinned to a kernel whose NaN/±Infinity propagation is elementwise exact, or the node itself.
   */
  exactNonFinite?(node: N): R;
  /**
   * Window ops that can read zeros outside their input implement this so that a ZeroPadding2D in
   * front of them folds away (src/compile/passes/fold-padding.ts): returns the node rewritten to pad
   * its input 0 by `pads` (cells, all ≥ 0) itself, or undefined when it cannot.
   */
  absorbPadding?(node: N, pads: Pads2D): R | undefined;
  /**
   * Which input positions one output element reads, per spatial axis, for volume tiling
   * (src/runtime/tiled-volume.ts). `rank` is the tensors' rank. Absent, or undefined for a node:
   * unknown, and tiling refuses the graph rather than guess.
   */
  footprint?(node: N, rank: number): Footprint | undefined;
  /**
   * Alternative kernels for this node at these shapes, for autotuning (src/scheduler/autotune.ts):
   * attribute patches that `encode` honours, the first being what the op's own rule picks. Each
   * must compute the same result (and be tested against the reference like the default). Absent,
   * or fewer than two: nothing to tune. A node whose attributes already force a kernel returns none.
   */
  tuningCandidates?(node: N, ctx: EncodeContext): TuningCandidate[];
}

/** One kernel choice of a node: a short label (remembered per adapter) and the attributes it sets. */
export interface TuningCandidate {
  label: string;
  attrs: Record<string, unknown>;
}

/** Zero rows and columns added on each side of an image (a ZeroPadding2D's amounts). */
export interface Pads2D {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** See OpModule.footprint: the same position only, or a sliding window over the spatial axes. */
export type Footprint =
  | { kind: 'pointwise' }
  | {
      kind: 'window';
      kernel: readonly number[];
      dilation: readonly number[];
      strides: readonly number[];
      padding: 'same' | 'valid';
    };

/** Footprint of ops that read one position (channel mixing within it is fine). */
export const POINTWISE: Footprint = { kind: 'pointwise' };

/**
 * Declares an op module whose nodes carry attributes of type `A`: inside it `node.attrs` is an `A`.
 * This is the one place the IR's untyped attributes meet the op's type: the op's own `fromKeras`
 * made them, so a node of this op holds an `A` (the `attrs` member only carries the type along).
 */
export function defineOp<A extends object>(module: OpModule<OpNode<A>, AnyNode, NodeDraft<object>>): OpModule & { readonly attrs?: A } {
  return module as unknown as OpModule & { readonly attrs?: A };
}

/**
 * `node` typed as a node of `module`'s op, or undefined when it is another op's: how a hook reads
 * the attributes of the neighbour a pass hands it (conv2d's `absorbPool` reading the pool).
 */
export function nodeOf<A extends object>(node: GraphNode, module: OpModule & { readonly attrs?: A }): OpNode<A> | undefined {
  return node.op === module.op ? (node as unknown as OpNode<A>) : undefined;
}

/** The attributes of an op that has none. */
export type NoAttrs = Record<string, never>;
