/**
 * model.explain(): Grad-CAM on either backend. The forward pass is the model's own graph compiled a
 * second time, lazily on the first explain() of a target layer and cached: its outputs are the
 * logits (final sigmoid/softmax removed), the target activation, any tensor the head reads from
 * outside the target's path and the head's own values (its fused activations split off so the
 * pre-activation values exist), all from ONE run. Naming them as outputs keeps them unfused (the
 * passes never fold away a graph output), so predict()'s plan is untouched. The head's backward
 * runs on the CPU (src/explain/backward.ts says why).
 */
import { optimizeGraph } from '../compile/passes/index.ts';
import { stripOutputActivation } from '../compile/passes/logits.ts';
import type { Graph } from '../graph/ir.ts';
import type { Tensor } from '../tensor.ts';
import { gradCam, type Explanation } from './grad-cam.ts';
import { findTarget, headOf, type GradCamHead } from './head.ts';

export interface ExplainOptions {
  /** Class to explain: one for every item, or one per item. Default: each item's predicted class. */
  classIndex?: number | readonly number[];
  /** Keras layer whose output is explained (a 2-D feature map). Default: the input of the head (see head.ts). */
  layer?: string;
  /** Aborting ends the call with AbortError before its run is submitted (as for run()). */
  signal?: AbortSignal;
  /** Let NaN/±Infinity inputs through (default: the model's load option). */
  allowNonFinite?: boolean;
}

/** What the explainer needs of a model: to run a graph the way the model runs its own. */
export interface ExplainRunner {
  run(inputs: readonly Tensor[], options?: { signal?: AbortSignal; allowNonFinite?: boolean }): Promise<Tensor[]>;
  dispose(): Promise<void>;
}

interface Variant {
  head: GradCamHead;
  runner: ExplainRunner;
}

export class Explainer {
  /** The source graph with its final sigmoid/softmax removed: its output is the logits. */
  private readonly graph: Graph;
  private readonly variants = new Map<string, Promise<Variant>>();

  constructor(
    /** The graph as Keras wrote it (before passes). */
    source: Graph,
    /** Makes a model of the same backend for an (optimised) graph. */
    private readonly makeRunner: (graph: Graph) => ExplainRunner,
  ) {
    this.graph = stripOutputActivation(source);
  }

  async explain(input: Tensor, options: ExplainOptions = {}): Promise<Explanation> {
    const target = findTarget(this.graph, input.shape, options.layer);
    let variant = this.variants.get(target);
    if (!variant) {
      // headOf refuses an unsupported head before anything is compiled.
      const head = headOf(this.graph, target);
      variant = Promise.resolve({ head, runner: this.makeRunner(optimizeGraph(head.graph)) });
      this.variants.set(target, variant);
    }
    const { head, runner } = await variant;
    const values = await runner.run([input], { signal: options.signal, allowNonFinite: options.allowNonFinite });
    return gradCam(head, values, options.classIndex);
  }

  async dispose(): Promise<void> {
    const all = [...this.variants.values()];
    this.variants.clear();
    for (const v of await Promise.allSettled(all)) if (v.status === 'fulfilled') await v.value.runner.dispose();
  }
}
