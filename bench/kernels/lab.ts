/**
 * The kernel lab (llm.c's dev/cuda habit): for one op, every kernel variant (every shader file of
 * the op) on a few realistic shapes, each validated against the CPU reference (src/reference) and
 * then timed with timestamp queries and set against the adapter's probes (bench/probes: a
 * register-blocked matrix product for GFLOP/s, a vec4 copy for GB/s), all on one page and device.
 *
 * The op tables are bench/kernels/<op>.ts; `npm run bench:kernels -- <op>` runs one and writes
 * docs/kernels/<op>.md; test/gpu/kernel-lab.test.ts runs each op's tiny shapes and asserts that
 * every variant validates and that the shader it names is the one that ran (a forced variant the
 * op's rules refuse would silently run another kernel: the check catches that).
 */
import type { Page } from 'puppeteer';
import type { Graph, WeightTensor } from '../../src/graph/ir.ts';
import { fromWire, graphToWire } from '../../src/cli/wire.ts';
import { executeReference } from '../../src/reference/execute.ts';
import type { Tensor } from '../../src/tensor.ts';
import { errorStats, type Tolerance } from '../../test/util/compare.ts';
import { singleOpGraph } from '../../test/util/graphs.ts';
import { randomArray, randomTensor } from '../../test/util/random.ts';
import type { LabRunResult, labProbes, labRun } from './lab-page.ts';

export interface LabVariant {
  /** The variant's name in the op module (the `variant` attribute's value). */
  name: string;
  /** Attributes that force it. */
  attrs: Record<string, unknown>;
  /** Kernel files the variant's steps must run (all of them, and no other file of this op). */
  kernels: string[];
  /** Where the variant's arithmetic errs more than the op's (Winograd's transforms), with the reason in the table. */
  tolerance?: Tolerance;
}

export interface LabShape {
  name: string;
  input: number[];
  attrs: Record<string, unknown>;
  /** Weight shapes in the op's order (kernel, bias); filled from a seeded uniform scaled by 1/sqrt(fan-in). */
  weights: { name: string; shape: number[]; fanIn: number }[];
  /** Names of the variants that can run this shape. */
  variants: string[];
}

export interface LabOp {
  op: string;
  /** One line on what the variants are and where the rule that picks one lives. */
  about: string;
  variants: LabVariant[];
  /** Realistic shapes, for `npm run bench:kernels`. */
  shapes: LabShape[];
  /** Tiny shapes that together run every variant once, for the GPU test. */
  tiny: LabShape[];
  /** |gpu − reference| ≤ atol + rtol·|reference| unless a variant states its own, argued in the op's table. */
  tolerance: Tolerance;
  /** Whole models made of the shapes: each model's time and rate with the kernels the op's rule picks (and an earlier rule's). */
  models?: LabModels;
}

export interface LabModels {
  /** The variant the op's rule runs a shape on. */
  rule: (shape: LabShape) => string;
  /** An earlier rule, reported beside the current one from the same run's rows. */
  before?: { about: string; pick: (shape: LabShape) => string };
  /** Each model: its layers as [shape name, how many layers of that shape]. */
  list: { name: string; layers: [string, number][] }[];
}

export interface LabResult {
  shape: string;
  variant: string;
  tolerance: Tolerance;
  /** Validation against the CPU reference. */
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  /** Kernel files that ran, in step order without repeats. */
  ran: string[];
  /** What was wrong, when not ok. */
  problem?: string;
  ms: number;
  gflops: number;
  gbps: number;
}

/** A seeded uniform weight: both sides make it with test/util/random.ts, so it never crosses the DevTools socket (the seed network's Dense kernel is 95 MB). */
export interface WeightSpec {
  name: string;
  shape: number[];
  seed: number;
  scale: number;
}

export function weightSpecs(shape: LabShape, seed: number): WeightSpec[] {
  // Glorot-like scale keeps outputs O(1) whatever the fan-in, as in trained networks; biases small.
  return shape.weights.map((w, i) => ({ name: w.name, shape: w.shape, seed: seed + i, scale: w.name === 'bias' ? 0.2 : Math.sqrt(3 / w.fanIn) * 1.5 }));
}

export const makeWeight = (w: WeightSpec): WeightTensor =>
  ({ name: w.name, shape: w.shape, data: randomArray(w.shape.reduce((a, b) => a * b, 1), w.seed, -w.scale, w.scale) });

/** The shape's graph with a variant's attributes; weights made from the specs when `withWeights`, else left empty for the page to make. */
export function labGraph(op: string, shape: LabShape, variant: LabVariant | undefined, seed: number, withWeights = true): Graph {
  const weights = withWeights ? weightSpecs(shape, seed).map(makeWeight) : [];
  return singleOpGraph({ op, attrs: { ...shape.attrs, ...(variant?.attrs ?? {}) }, weights, inputShapes: [shape.input] });
}

/** Loads the lab's page module into a page of the test server (once per page). */
export async function openLab(p: Page): Promise<void> {
  await p.evaluate("import('/bench/kernels/lab-page.ts').then((m) => { globalThis.miLab = m; })");
}

type LabApi = { labRun: typeof labRun; labProbes: typeof labProbes };

export async function probes(p: Page): Promise<Awaited<ReturnType<typeof labProbes>>> {
  return p.evaluate(() => (globalThis as unknown as { miLab: LabApi }).miLab.labProbes());
}

/** Every variant of `op` that can run each shape: validated, then timed (best of `repeats` profiled runs). */
export async function runLab(p: Page, op: LabOp, shapes: LabShape[], repeats: number, log: (line: string) => void = () => {}): Promise<LabResult[]> {
  const results: LabResult[] = [];
  const ownKernels = new Set(op.variants.flatMap((v) => v.kernels));
  for (const [k, shape] of shapes.entries()) {
    const seed = 1000 + 10 * k;
    const inputSeed = seed + 9;
    const x = randomTensor(shape.input, inputSeed);
    // The reference ignores the variant attribute: one reference per shape serves every variant.
    const expected: Tensor = executeReference(labGraph(op.op, shape, undefined, seed), [x]).outputs[0];
    for (const name of shape.variants) {
      const variant = op.variants.find((v) => v.name === name);
      if (!variant) throw new Error(`${op.op}: shape "${shape.name}" names variant ${name}, which the table does not define`);
      const graph = graphToWire(labGraph(op.op, shape, variant, seed, false));
      const r: LabRunResult = await p.evaluate(
        (g, w, x1, n) => (globalThis as unknown as { miLab: LabApi }).miLab.labRun(g, w, x1, n),
        graph,
        weightSpecs(shape, seed),
        { shape: shape.input, seed: inputSeed },
        repeats,
      );
      const out = fromWire(r.output);
      const ran = [...new Set(r.steps.map((s) => s.kernel))];
      const problems: string[] = [];
      if (out.shape.join('x') !== expected.shape.join('x')) problems.push(`shape [${out.shape}] but the reference has [${expected.shape}]`);
      const tol = variant.tolerance ?? op.tolerance;
      const stats = errorStats(out.data, expected.data, tol);
      if (stats.firstBad >= 0) problems.push(`element ${stats.firstBad} is ${out.data[stats.firstBad]}, reference ${expected.data[stats.firstBad]}`);
      const missing = variant.kernels.filter((f) => !ran.includes(f));
      const foreign = ran.filter((f) => ownKernels.has(f) && !variant.kernels.includes(f));
      if (missing.length || foreign.length) problems.push(`ran ${ran.join(' + ')}, expected ${variant.kernels.join(' + ')}`);
      const ms = r.steps.reduce((a, s) => a + s.ms, 0) || r.totalMs;
      const flops = r.steps.reduce((a, s) => a + s.flops, 0);
      const bytes = r.steps.reduce((a, s) => a + s.bytes, 0);
      const result: LabResult = {
        shape: shape.name, variant: name, tolerance: tol, ok: problems.length === 0, maxAbs: stats.maxAbs, maxRel: stats.maxRel, ran,
        problem: problems.join('; ') || undefined, ms, gflops: ms > 0 ? flops / (ms * 1e6) : 0, gbps: ms > 0 ? bytes / (ms * 1e6) : 0,
      };
      log(`${op.op} | ${shape.name} | ${name}: ${result.ok ? 'valid' : `INVALID (${result.problem})`}, ${ms.toFixed(2)} ms, ${result.gflops.toFixed(2)} GFLOP/s`);
      results.push(result);
    }
  }
  return results;
}

/** docs/kernels/<op>.md. */
export function labReport(op: LabOp, results: LabResult[], probe: Awaited<ReturnType<typeof labProbes>>, date: string, commit: string, machine: string): string {
  const pct = (x: number, of: number) => (of > 0 ? `${((100 * x) / of).toFixed(0)} %` : '—');
  const lines = [
    `# Kernel lab: ${op.op}`,
    '',
    `Generated by \`npm run bench:kernels -- ${op.op}\` (bench/kernels/${op.op}.ts) on ${date}, commit \`${commit}\`; do not edit by hand.`,
    '',
    op.about,
    '',
    `Machine: ${machine}. Adapter: ${probe.adapter}. Probes on the same device: matrix product ${probe.matmul.gflops.toFixed(2)} GFLOP/s, ` +
      `copy ${probe.copy.gbps.toFixed(2)} GB/s (${probe.matmul.timer}). Each variant's output is checked against the CPU reference ` +
      '(|gpu − ref| ≤ atol + rtol·|ref|, the bound column) and the kernel files that ran against the ones it names, ' +
      'then timed: the best of the profiled runs (as the probes), GPU time summed over its steps. FLOPs are the direct computation\'s (Winograd\'s are effective). ' +
      'SwiftShader emulates the GPU on shared CPU cores: compare variants within a shape, not with other machines.',
    '',
    '| shape | variant | valid | max abs err | bound (atol, rtol) | kernels that ran | GPU ms | GFLOP/s | % of matmul probe | GB/s | % of copy probe |',
    '|---|---|---|---:|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.shape} | ${r.variant} | ${r.ok ? 'yes' : `**no**: ${r.problem}`} | ${r.maxAbs.toExponential(1)} | ${r.tolerance.atol}, ${r.tolerance.rtol} | ${r.ran.join(' + ')} | ` +
        `${r.ms.toFixed(2)} | ${r.gflops.toFixed(2)} | ${pct(r.gflops, probe.matmul.gflops)} | ${r.gbps.toFixed(2)} | ${pct(r.gbps, probe.copy.gbps)} |`,
    );
  }
  if (op.models) lines.push('', ...modelTable(op, op.models, results, probe.matmul.gflops));
  lines.push('', 'Variants measured and rejected are listed in the shader headers (shaders/*.wgsl), with their times.', '');
  return lines.join('\n');
}

/** Whole models: each layer's row (the variant a rule picks) times its count, summed; the rate is the model's FLOPs over that time. */
function modelTable(op: LabOp, models: LabModels, results: LabResult[], probeGflops: number): string[] {
  const rules: [string, (shape: LabShape) => string][] = [['current rule', models.rule]];
  if (models.before) rules.push([`before (${models.before.about})`, models.before.pick]);
  const lines = [
    '## Whole models',
    '',
    'Each model\'s Conv3D layers on the rows above, with the kernel a rule gives each layer, times the number of layers of that shape: ' +
      'the sum of their GPU times and the model\'s Conv3D FLOPs over it.',
    '',
    '| model | rule | kernels | GPU ms | GFLOP/s | % of matmul probe |',
    '|---|---|---|---:|---:|---:|',
  ];
  for (const model of models.list) {
    for (const [label, pick] of rules) {
      let ms = 0;
      let flops = 0;
      const kernels = new Set<string>();
      for (const [name, count] of model.layers) {
        const shape = op.shapes.find((s) => s.name === name);
        const variant = shape && pick(shape);
        const r = results.find((x) => x.shape === name && x.variant === variant);
        if (!r) throw new Error(`${op.op} models: no row for "${name}" on ${variant ?? 'an unknown shape'}`);
        ms += count * r.ms;
        flops += count * r.gflops * r.ms * 1e6;
        kernels.add(r.variant);
      }
      const gflops = ms > 0 ? flops / (ms * 1e6) : 0;
      lines.push(`| ${model.name} | ${label} | ${[...kernels].join(', ')} | ${ms.toFixed(1)} | ${gflops.toFixed(2)} | ${probeGflops > 0 ? `${((100 * gflops) / probeGflops).toFixed(0)} %` : '—'} |`);
    }
  }
  return lines;
}
