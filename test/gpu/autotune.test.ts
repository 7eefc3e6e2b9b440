/**
 * Autotuning (src/scheduler/autotune.ts) in the browser: candidates are timed with timestamp
 * queries, the choice is remembered per adapter and reused by the next load, identical layers are
 * measured once, the budget and the modes are honoured, and whatever is chosen computes the same
 * result as the CPU reference.
 */
import { describe, expect, it } from 'vitest';
import { graphToWire, fromWire, toWire } from '../../src/cli/wire.ts';
import { LINEAR, type Graph, type GraphNode } from '../../src/graph/ir.ts';
import { makeActivation } from '../../src/graph/activations.ts';
import { ActivationKind } from '../../src/graph/ir.ts';
import { executeReference } from '../../src/reference/execute.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { gpuPage } from '../util/gpu.ts';
import { randomArray, randomTensor } from '../util/random.ts';
import type { AutotuneRun } from '../browser/autotune.ts';

/** Two Dense layers of the same shape (one tuning decision) then a different one; each over 5 % of the FLOPs, so tuned. */
function denseChain(tail = 200): Graph {
  const dense = (name: string, input: string, k: number, units: number, seed: number): GraphNode => ({
    name,
    kerasClass: 'Dense',
    op: 'dense',
    inputs: [input],
    output: `${name}:out`,
    attrs: { units, activation: name === 'd3' ? LINEAR : makeActivation(ActivationKind.Relu) },
    weights: [
      { name: 'kernel', shape: [k, units], data: randomArray(k * units, seed, -0.05, 0.05) },
      { name: 'bias', shape: [units], data: randomArray(units, seed + 1, -0.1, 0.1) },
    ],
  });
  const nodes = [dense('d1', 'x', 512, 512, 1), dense('d2', 'd1:out', 512, 512, 3), dense('d3', 'd2:out', 512, tail, 5)];
  return { inputs: [{ name: 'x', shape: [null, 512] }], outputs: ['d3:out'], nodes, meta: { name: 'tune', kerasVersion: '3.0.0', format: 'test' } };
}

/**
 * The budget the tests tune with unless a test is about the budget. The default (750 ms) can run out
 * on a busy machine before every candidate is timed, which would make "measured" depend on load;
 * only an explicit budget of 0 tests running out, and that needs no clock.
 */
const NO_BUDGET_LIMIT_MS = 3_600_000;

async function runTuned(
  graph: Graph,
  cache: string,
  mode: 'on' | 'cached' | 'off',
  budgetMs: number = NO_BUDGET_LIMIT_MS,
  input = randomTensor([2, 512], 7),
  when: 'background' | 'load' = 'load',
): Promise<AutotuneRun & { firstOutputs: AutotuneRun['outputs']; reportBeforeTuning?: AutotuneRun['report']; planReplaced: boolean }> {
  const page = await gpuPage();
  const call = `import('/test/browser/autotune.ts').then((m) => m.runTuned(${JSON.stringify(graphToWire(graph))}, ${JSON.stringify([toWire(input)])}, ${JSON.stringify(cache)}, ${JSON.stringify(mode)}, ${budgetMs}, ${JSON.stringify(when)}))`;
  const r = (await page.evaluate(call)) as AutotuneRun & { firstOutputs: AutotuneRun['outputs']; reportBeforeTuning?: AutotuneRun['report']; planReplaced: boolean };
  const [expected] = executeReference(graph, [input]).outputs;
  expectTensorsClose(fromWire(r.firstOutputs[0]), expected, { atol: 1e-4, rtol: 1e-3 });
  // Winograd's tolerance (test/gpu/kernels/conv2d-winograd.test.ts) covers every candidate.
  expectTensorsClose(fromWire(r.outputs[0]), expected, { atol: 1e-4, rtol: 1e-3 });
  return r;
}

describe('autotuning', () => {
  it('times every candidate, measures identical layers once, and the result matches the reference', async () => {
    const r = await runTuned(denseChain(), 'fresh-1', 'on');
    const report = r.report!;
    expect(report.timer).toBe('timestamp-query');
    // d1 and d2 share a signature: one decision for two nodes; d3 has its own.
    expect(report.decisions.map((d) => d.nodes).sort()).toEqual([1, 2]);
    for (const d of report.decisions) {
      expect(d.source).toBe('measured');
      expect(d.candidates.map((c) => c.label).sort()).toEqual(['gemm', 'splitk']);
      for (const c of d.candidates) expect(c.ms).toBeGreaterThan(0);
      // The chosen candidate is the fastest, or the default within the 5 % margin that keeps near-ties on the rule.
      const times = Object.fromEntries(d.candidates.map((c) => [c.label, c.ms!]));
      expect(times[d.chosen]).toBeLessThanOrEqual(Math.min(...Object.values(times)) / 0.95 + 1e-9);
    }
    expect(report.spentMs).toBeGreaterThan(0);
  });

  it('a second load on the same adapter takes the remembered choices and measures nothing', async () => {
    const first = await runTuned(denseChain(), 'fresh-2', 'on');
    const second = await runTuned(denseChain(), 'fresh-2', 'on');
    expect(second.report!.decisions.every((d) => d.source === 'cache')).toBe(true);
    expect(second.report!.decisions.map((d) => d.chosen).sort()).toEqual(first.report!.decisions.map((d) => d.chosen).sort());
    expect(second.report!.decisions.every((d) => d.candidates.every((c) => c.ms === undefined))).toBe(true);
  });

  it('a 3×3 conv: Winograd and the direct kernel are both timed; either result matches the reference', async () => {
    const k = randomArray(3 * 3 * 8 * 16, 11, -0.2, 0.2);
    const conv: GraphNode = {
      name: 'c1',
      kerasClass: 'Conv2D',
      op: 'conv2d',
      inputs: ['x'],
      output: 'c1:out',
      attrs: { filters: 16, kernelSize: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same', groups: 1, activation: makeActivation(ActivationKind.Relu) },
      weights: [
        { name: 'kernel', shape: [3, 3, 8, 16], data: k },
        { name: 'bias', shape: [16], data: randomArray(16, 12, -0.1, 0.1) },
      ],
    };
    const graph: Graph = { inputs: [{ name: 'x', shape: [null, 72, 72, 8] }], outputs: ['c1:out'], nodes: [conv], meta: { name: 'tune-conv', kerasVersion: '3.0.0', format: 'test' } };
    const r = await runTuned(graph, 'fresh-7', 'on', undefined, randomTensor([1, 72, 72, 8], 13));
    expect(r.report!.decisions).toHaveLength(1);
    const d = r.report!.decisions[0];
    expect(d.candidates.map((c) => c.label)).toEqual(['winograd', '8px8ch_vec4']);
    expect(d.candidates.every((c) => (c.ms ?? 0) > 0)).toBe(true);
  });

  it('in the background (the default): the first run uses the rules, tuning follows, later runs use the tuned plan', async () => {
    const r = await runTuned(denseChain(), 'fresh-8', 'on', undefined, undefined, 'background');
    // Before the first run finished nothing was measured: every tunable layer ran its rule's kernel.
    expect(r.reportBeforeTuning!.decisions.every((d) => d.source === 'default' && d.chosen === d.candidates[0].label)).toBe(true);
    expect(r.report!.decisions.every((d) => d.source === 'measured')).toBe(true);
    // The plan was rebuilt exactly when a measured choice differs from the rule's.
    expect(r.planReplaced).toBe(r.report!.decisions.some((d) => d.chosen !== d.candidates[0].label));
    // A second load finds the choices remembered and builds the tuned plan at once.
    const again = await runTuned(denseChain(), 'fresh-8', 'on', undefined, undefined, 'background');
    expect(again.reportBeforeTuning!.decisions.every((d) => d.source === 'cache')).toBe(true);
  });

  it('layers under 5 % of the FLOPs are not tuned (their compile would cost more than it saves)', async () => {
    const r = await runTuned(denseChain(4), 'fresh-6', 'on');
    expect(r.report!.decisions.map((d) => d.node)).toEqual(['d1']);
  });

  it("mode 'cached' with an empty cache and a zero budget keep the rule's kernel; 'off' decides nothing", async () => {
    const cached = await runTuned(denseChain(), 'fresh-3', 'cached');
    expect(cached.report!.decisions.every((d) => d.source === 'default')).toBe(true);
    const broke = await runTuned(denseChain(), 'fresh-4', 'on', 0);
    expect(broke.report!.decisions.every((d) => d.source === 'default')).toBe(true);
    // The rule's choice is listed first.
    for (const d of broke.report!.decisions) expect(d.chosen).toBe(d.candidates[0].label);
    const off = await runTuned(denseChain(), 'fresh-5', 'off');
    expect(off.report!.decisions).toEqual([]);
  });
});
