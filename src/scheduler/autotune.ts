/**
 * Autotuning: for each node whose op offers alternative kernels (OpModule.tuningCandidates: shader
 * variants, workgroup sizes), time every candidate on this device with timestamp queries at these
 * exact shapes and keep the fastest; remember the choice per adapter (tune-cache.ts) so a second
 * load skips the measuring. The op's own rule gives the first candidate, which is also what runs
 * when tuning is off, out of budget, or cannot measure.
 *
 * Cost control, because a cold start pays for it once:
 * - identical nodes (same op, shapes and attributes) are measured once;
 * - a candidate runs on prefixes of its workgroups (every kernel bounds-checks its flat index, so
 *   fewer workgroups compute a prefix of the output), the larger taking about TARGET_MS on this
 *   device (all of it where that is cheap: real GPUs), and its whole time is extrapolated from two
 *   prefixes (see timeCandidate);
 * - a node's candidates compile in parallel before any is timed (the winner's pipeline is reused
 *   by the plan: the pipeline cache is per device);
 * - only layers that carry at least MIN_SHARE of the model's FLOPs are tuned: on small layers the
 *   compile and timing runs cost more at load than any choice could save;
 * - a wall-time budget: nodes are taken largest (by FLOPs) first, and those left when it runs out
 *   keep the default this time and are measured at a later load.
 * Choices made on a busy machine can be noise-bound; a candidate must beat the default by
 * MIN_GAIN to be taken, so near-ties keep the documented default.
 */
import type { GpuContext } from '../gpu/device.ts';
import { inferShapes } from '../compile/shapes.ts';
import type { Graph, GraphNode } from '../graph/ir.ts';
import { PassTimestamps } from '../gpu/timestamps.ts';
import { getPipeline, pipelineKeyOf } from '../gpu/pipelines.ts';
import { opModule } from '../ops/registry.ts';
import type { EncodeContext, KernelStep, TuningCandidate } from '../ops/types.ts';
import { buildGpuPlan, destroyGpuPlan, type GpuPlan } from './build.ts';
import { planLayout, type PlanLayout } from './layout.ts';
import { defaultTuneCache, type TuneCache } from './tune-cache.ts';

/** Bumped when kernels change enough that old choices may be wrong. */
export const TUNING_VERSION = 1;

export interface AutotuneOptions {
  /**
   * 'on' (default): measure what the cache lacks. 'cached': apply remembered choices, measure
   * nothing. 'off': the ops' default rules only.
   */
  mode?: 'on' | 'cached' | 'off';
  /**
   * When to measure (mode 'on'): 'background' (default) builds the plan from remembered choices
   * and the ops' rules at once, measures after the plan's first run, and swaps in the tuned plan
   * when it differs (Model.whenTuned), so a first load never waits for tuning; 'load' measures
   * before building the plan.
   */
  when?: 'background' | 'load';
  /** Wall time one prepare() may spend measuring, in ms (default 750). */
  budgetMs?: number;
  /** Where choices are remembered (default: this page's memory backed by localStorage). */
  cache?: TuneCache;
}

export interface TuneDecision {
  /** The first node with this signature (others share the decision). */
  node: string;
  op: string;
  /** Nodes that took this decision. */
  nodes: number;
  candidates: { label: string; ms?: number }[];
  chosen: string;
  /** cache: remembered; measured: timed now; default: not timed (mode, budget or no timer). */
  source: 'cache' | 'measured' | 'default';
}

export interface TuneReport {
  decisions: TuneDecision[];
  /** Wall time spent measuring (compiling candidates included), ms. */
  spentMs: number;
  timer: 'timestamp-query' | 'cpu-wall';
}

const TARGET_MS = 4;
const MIN_SHARE = 0.05;
const MIN_GAIN = 0.05;

interface Tunable {
  key: string;
  nodes: GraphNode[];
  candidates: TuningCandidate[];
  flops: number;
}

/** The graph with each tunable node's attributes set to its chosen candidate, and what was decided. */
export async function autotune(
  gpu: GpuContext,
  graph: Graph,
  inputShapes: readonly (readonly number[])[],
  options: AutotuneOptions = {},
): Promise<{ graph: Graph; report: TuneReport }> {
  const mode = options.mode ?? 'on';
  const timer = gpu.hasTimestampQuery ? 'timestamp-query' : 'cpu-wall';
  const report: TuneReport = { decisions: [], spentMs: 0, timer };
  if (mode === 'off') return { graph, report };
  const cache = options.cache ?? defaultTuneCache();
  const shapes = inferShapes(graph, inputShapes);
  const encoded = encodeAll(gpu, graph, shapes);
  const tunables = collect(gpu, encoded);
  const chosen = new Map<GraphNode, TuningCandidate>();
  const started = performance.now();
  const budget = options.budgetMs ?? 750;

  const toMeasure: Tunable[] = [];
  for (const t of tunables) {
    const remembered = cache.get(t.key);
    const hit = t.candidates.find((c) => c.label === remembered);
    if (hit) decide(t, hit, 'cache');
    else if (mode === 'on') toMeasure.push(t);
    else decide(t, t.candidates[0], 'default');
  }
  if (toMeasure.length) precompileDefaults(gpu, encoded);
  toMeasure.sort((a, b) => b.flops - a.flops);
  for (const t of toMeasure) {
    if (performance.now() - started >= budget) {
      decide(t, t.candidates[0], 'default');
      continue;
    }
    // A candidate that fails to compile or run is left out (undefined), never chosen.
    const prepared = await Promise.all(t.candidates.map((c) => prepareCandidate(gpu, graph, shapes, t.nodes[0], c).catch(() => undefined)));
    const measure = async () => {
      const out: (number | undefined)[] = [];
      for (const p of prepared) out.push(p ? await timeCandidate(gpu, p).catch(() => undefined) : undefined);
      return out;
    };
    let times = await measure();
    let best = fastest(times);
    // Leaving the rule's kernel must survive a second round (min of both): one disturbed sample
    // (another tab, GC, a compile on the same CPU under SwiftShader) must not switch a layer.
    if (best !== 0) {
      const again = await measure();
      times = times.map((ms, i) => (ms === undefined ? again[i] : again[i] === undefined ? ms : Math.min(ms, again[i]!)));
      best = fastest(times);
    }
    if (times.every((ms) => ms === undefined)) {
      decide(t, t.candidates[0], 'default');
      continue;
    }
    decide(t, t.candidates[best], 'measured', times);
    cache.set(t.key, t.candidates[best].label);
  }
  report.spentMs = performance.now() - started;
  const tuned = chosen.size
    ? { ...graph, nodes: graph.nodes.map((n) => (chosen.has(n) ? { ...n, attrs: { ...n.attrs, ...chosen.get(n)!.attrs } } : n)) }
    : graph;
  return { graph: tuned, report };

  function decide(t: Tunable, c: TuningCandidate, source: TuneDecision['source'], times?: (number | undefined)[]): void {
    for (const n of t.nodes) chosen.set(n, c);
    report.decisions.push({
      node: t.nodes[0].name,
      op: t.nodes[0].op,
      nodes: t.nodes.length,
      candidates: t.candidates.map((cand, i) => ({ label: cand.label, ms: times?.[i] })),
      chosen: c.label,
      source,
    });
  }
}

/**
 * The index of the fastest candidate; another than the first (the rule's) only when it beats the
 * first by MIN_GAIN, so near-ties keep the documented default.
 */
function fastest(times: readonly (number | undefined)[]): number {
  const base = times[0];
  let best = 0;
  times.forEach((ms, i) => {
    if (ms === undefined || i === 0) return;
    const bestMs = times[best];
    if (bestMs === undefined || (ms < bestMs && (best !== 0 || base === undefined || ms < base * (1 - MIN_GAIN)))) best = i;
  });
  return best;
}

/**
 * Starts compiling every node's default kernels (the pipeline cache is per device, so the plan
 * built after tuning finds them), so that compilation runs beside the measuring instead of after
 * it: on SwiftShader both are CPU work, and the overlap takes a few hundred ms off a first load.
 * Failures are left for the plan build to report with the layer's name.
 */
function precompileDefaults(gpu: GpuContext, encoded: readonly EncodedNode[]): void {
  for (const { steps } of encoded) {
    for (const k of steps) getPipeline(gpu.device, pipelineKeyOf(k), k.label).catch(() => undefined);
  }
}

/** A node with its encode context at this plan's shapes and its default kernel steps (none for aliases). */
interface EncodedNode {
  node: GraphNode;
  ctx: EncodeContext;
  steps: KernelStep[];
}

/** Encodes every node once: the FLOPs that pick which layers to tune and the kernels to precompile. */
function encodeAll(gpu: GpuContext, graph: Graph, shapes: Map<string, number[]>): EncodedNode[] {
  return graph.nodes.map((node) => {
    const ctx = { inputShapes: node.inputs.map((t) => shapes.get(t)!), outputShape: shapes.get(node.output)!, limits: gpu.device.limits };
    return { node, ctx, steps: opModule(node.op).encode?.(node, ctx) ?? [] };
  });
}

/** Tunable nodes grouped by signature (adapter, op, shapes, attributes, candidates). */
function collect(gpu: GpuContext, encoded: readonly EncodedNode[]): Tunable[] {
  const byKey = new Map<string, Tunable>();
  const flopsOf = encoded.map(({ steps }) => steps.reduce((a, s) => a + (s.flops ?? 0), 0));
  const total = flopsOf.reduce((a, b) => a + b, 0);
  for (const [i, { node, ctx }] of encoded.entries()) {
    const module = opModule(node.op);
    if (!module.tuningCandidates || !module.encode || flopsOf[i] < MIN_SHARE * total) continue;
    const candidates = module.tuningCandidates(node, ctx);
    if (candidates.length < 2) continue;
    const { activation: _act, ...attrs } = node.attrs;
    const key = JSON.stringify([
      TUNING_VERSION,
      gpu.adapterName,
      node.op,
      ctx.inputShapes,
      ctx.outputShape,
      node.weights.map((w) => w.shape),
      attrs,
      candidates.map((c) => c.label),
    ]);
    const flops = flopsOf[i];
    const t = byKey.get(key);
    if (t) t.nodes.push(node);
    else byKey.set(key, { key, nodes: [node], candidates, flops });
  }
  return [...byKey.values()];
}

/** The node alone, patched with the candidate, planned on its real shapes; pipelines compiled. */
async function prepareCandidate(gpu: GpuContext, graph: Graph, shapes: Map<string, number[]>, node: GraphNode, c: TuningCandidate) {
  const inputs = [...new Set(node.inputs)];
  const patched: GraphNode = { ...node, attrs: { ...node.attrs, ...c.attrs } };
  const sub: Graph = {
    inputs: inputs.map((name) => ({ name, shape: shapes.get(name)! })),
    outputs: [node.output],
    nodes: [patched],
    meta: graph.meta,
  };
  const layout = planLayout(sub, inputs.map((name) => shapes.get(name)!), gpu.device.limits);
  await Promise.all(
    layout.steps.map(({ kernel }) =>
      getPipeline(gpu.device, pipelineKeyOf(kernel), kernel.label),
    ),
  );
  return layout;
}

/**
 * Estimated time (ms) of the candidate's whole run, from runs on prefixes of its workgroups (see
 * below); the node runs alone on zeroed buffers of its real shapes with its real weights.
 */
async function timeCandidate(gpu: GpuContext, layout: PlanLayout): Promise<number> {
  const plan = await buildGpuPlan(gpu, layout);
  const timer = gpu.hasTimestampQuery ? new PassTimestamps(gpu.device, 1, 'autotune') : undefined;
  const run = (f: number) => runFraction(gpu.device, plan, f, timer);
  const best = async (f: number) => Math.min(await run(f), await run(f));
  try {
    await run(1 / 64); // first use of the pipelines: not timed
    // A run costs a fixed amount (submit, pass) plus work in proportion to the workgroups run
    // (prefixSteps keeps dispatches whole, so the per-dispatch cost scales with them too). The whole
    // candidate is estimated on the line through two prefixes (the larger about TARGET_MS).
    let f = 1 / 64;
    let tb = await best(f);
    while (f < 1 && tb < TARGET_MS) {
      f = Math.min(1, f * 4);
      tb = await best(f);
    }
    const coverage = (fr: number) => prefixSteps(plan.steps.map((st) => st.dispatch), fr).share;
    const rb = coverage(f);
    if (rb >= 1) return tb;
    const ra = coverage(f / 4);
    const ta = await best(f / 4);
    const slope = (tb - ta) / (rb - ra);
    // Noise can make the two points useless (equal coverage, or a falling line): scale instead.
    if (!(rb > ra) || !(slope > 0)) return tb / rb;
    return tb + (1 - rb) * slope;
  } finally {
    timer?.destroy();
    destroyGpuPlan(plan);
  }
}

/**
 * The first `fraction` of a candidate's workgroups, taken in order over its steps: every step before
 * the boundary whole, the boundary step partly (its outermost dispatch axis shrunk: dispatches fold
 * a 1-D range into x, then y, then z), later steps not at all. Whole dispatches keep their real
 * parallelism: shrinking every step instead left chunked candidates (Winograd: three dispatches a
 * chunk) with one-workgroup dispatches that run latency-bound on one core, and mis-ranked them.
 * `share` is the workgroups run over all of them.
 */
export function prefixSteps(dispatches: readonly (readonly [number, number, number])[], fraction: number): { steps: [number, number, number][]; share: number } {
  const count = (d: readonly number[]) => d[0] * d[1] * d[2];
  const total = dispatches.reduce((a, d) => a + count(d), 0);
  if (fraction >= 1 || total === 0) return { steps: dispatches.map((d) => [d[0], d[1], d[2]]), share: 1 };
  let left = Math.max(1, Math.ceil(total * fraction));
  let run = 0;
  const steps: [number, number, number][] = [];
  for (const d of dispatches) {
    if (left <= 0) break;
    const n = count(d);
    let p: [number, number, number];
    if (n <= left) p = [d[0], d[1], d[2]];
    else if (d[2] > 1) p = [d[0], d[1], Math.ceil(left / (d[0] * d[1]))];
    else if (d[1] > 1) p = [d[0], Math.ceil(left / d[0]), 1];
    else p = [left, 1, 1];
    steps.push(p);
    run += count(p);
    left -= count(p);
  }
  return { steps, share: run / total };
}

/**
 * One run of every step on a prefix of its workgroups, in one pass: GPU ms from the timer's
 * timestamps, or wall ms without a timer (no 'timestamp-query').
 */
async function runFraction(device: GPUDevice, plan: GpuPlan, fraction: number, timer: PassTimestamps | undefined): Promise<number> {
  const encoder = device.createCommandEncoder({ label: 'autotune' });
  const pass = encoder.beginComputePass({
    label: 'autotune',
    timestampWrites: timer?.writes(0),
  });
  prefixSteps(plan.steps.map((st) => st.dispatch), fraction).steps.forEach(([x, y, z], i) => {
    pass.setPipeline(plan.steps[i].pipeline);
    pass.setBindGroup(0, plan.steps[i].bindGroup);
    pass.dispatchWorkgroups(x, y, z);
  });
  pass.end();
  timer?.resolve(encoder);
  const t0 = performance.now();
  device.queue.submit([encoder.finish()]);
  if (!timer) {
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  }
  const [begin, end] = await timer.readTicks();
  const ms = Number(end - begin) / 1e6;
  // A timer that could not time the pass reports 0 or a negative span: fall back to wall time.
  return ms > 0 ? ms : performance.now() - t0;
}
