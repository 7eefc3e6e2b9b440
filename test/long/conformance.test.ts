/**
 * `npm run conformance`: every conformance-zoo model (test/fixtures/zoo, scripts/keras_refs/zoo.py)
 * and every small functional fixture (test/fixtures/keras) on the GPU against real Keras 3, written
 * up as docs/conformance.md: layer classes, parameters, max abs / relative error at batch 1 and 2
 * (and another spatial size for the U-Nets), times, and the first diverging layer when one diverges.
 *
 * Each model's worst errors (and the kernels its plans ran) are also recorded in docs/correctness.json,
 * from which the README's Correctness table is generated (npm run docs:correctness).
 *
 * Every model runs on WebGPU and on WebAssembly (our export of the same graph in ONNX Runtime Web),
 * against the same outputs and bound; the report has a row per model and backend.
 *
 * MI_ZOO=name1,name2 limits the run to those models (the report then lists only them);
 * MI_BACKENDS=webgpu (or wasm) to one backend.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../src/formats/npy.ts';
import { readKerasModel } from '../../src/formats/read-model.ts';
import { readModelFiles } from '../../src/formats/node-files.ts';
import type { Tensor } from '../../src/tensor.ts';
import { repoRoot } from '../util/fixtures.ts';
import { loadModelInPage } from '../util/gpu.ts';
import { kernelsOf, writeCorrectness } from '../util/record-correctness.ts';
import { regenerateCorrectnessDocs } from '../../scripts/docs-correctness.ts';
import { checkIntermediates, checkZooModel, compare, zooMeta, zooModels, type Comparison } from '../util/zoo.ts';
import { BACKENDS, expectOnBackend, type TestBackend } from '../util/backends.ts';

interface Row {
  name: string;
  kind: 'zoo' | 'keras fixture';
  backend: TestBackend;
  input: string;
  params: number;
  classes: string[];
  comparisons: Comparison[];
  /** Layers checked inside the model (zoo only): their worst abs error, and the first that diverges. */
  inner?: { checked: string[]; maxAbs: number; first?: string };
  times: string;
  error?: string;
  kernels?: string[];
  seconds?: number;
}

/** Records a finished model's worst errors (over batch 1, 2 and the other size) for the correctness table. */
async function record(row: Row): Promise<void> {
  const zoo = row.kind === 'zoo';
  const worst = (f: (c: Comparison) => number) => Math.max(0, ...row.comparisons.map(f));
  await writeCorrectness({
    backend: row.backend,
    group: zoo ? 'zoo' : 'keras-fixtures',
    title: zoo
      ? 'conformance zoo: `keras.applications` architectures and two 2-D U-Nets, seeded weights (docs/conformance.md)'
      : 'small Functional graphs with branches, merges, BatchNorm and every activation (test/fixtures/keras)',
    input: zoo ? 'batch 1 and 2 (U-Nets also a second size)' : 'batch 1 and 2',
    case: row.name,
    measure: 'outputs',
    reference: 'real Keras 3',
    ...(row.comparisons.length ? { maxAbs: worst((c) => c.maxAbs), maxRel: worst((c) => c.maxRel) } : {}),
    bound: '≤ 1e-4 + 1e-3·|Keras| per value' + (row.error ? ` (run failed: ${row.error})` : ''),
    values: row.comparisons.length,
    seconds: row.seconds,
    kernels: row.kernels,
    source: 'npm run conformance',
  });
}

const only = process.env.MI_ZOO?.split(',').filter(Boolean);
const backends = BACKENDS.filter((b) => !process.env.MI_BACKENDS || process.env.MI_BACKENDS.split(',').includes(b));
const pick = (names: string[]) => (only ? names.filter((n) => only.includes(n)) : names);
const rows: Row[] = [];
let adapter = '';
const fmt = (x: number) => (Number.isFinite(x) ? x.toExponential(1) : String(x));

describe('conformance report', () => {
  for (const backend of backends) {
    for (const name of pick(zooModels())) {
      it(`zoo: ${name} on ${backend}`, { timeout: 1800_000 }, async () => {
        const meta = zooMeta(name);
        const row: Row = { name, kind: 'zoo', backend, input: meta.input_shape.slice(1).join('×'), params: meta.params,
          classes: meta.layer_classes.filter((c) => c !== 'InputLayer'), comparisons: [], times: '' };
        rows.push(row);
        const t0 = performance.now();
        try {
          const { comparisons, run } = await checkZooModel(name, true, true, backend);
          if (run.backend !== backend) throw new Error(`ran on ${run.backend}, not ${backend}`);
          row.comparisons = comparisons;
          row.kernels = run.kernels;
          row.times = `build ${(run.buildMs / 1000).toFixed(1)} s; first run (compiles) ${run.firstRunMs.map((t) => (t / 1000).toFixed(1)).join(' / ')} s; warm ${run.warmRunMs.map((t) => (t / 1000).toFixed(2)).join(' / ')} s`;
          // Always check the committed intermediates: the report shows where errors grow, and the
          // locator itself is exercised on every model, not only on the day something breaks.
          const { first, checked } = await checkIntermediates(name, backend);
          row.inner = { checked: checked.map((c) => c.label), maxAbs: Math.max(0, ...checked.map((c) => c.maxAbs)), first };
          if (backend === 'webgpu') adapter = run.adapter;
        } catch (err) {
          row.error = (err as Error).message.split('\n')[0];
        }
        row.seconds = (performance.now() - t0) / 1000;
        await record(row);
        expect(row.error, row.error).toBeUndefined();
        expect(row.comparisons.filter((c) => !c.ok).map((c) => `${c.label}: ${c.message}`)).toEqual([]);
      });
    }

    const kerasRoot = join(repoRoot, 'test/fixtures/keras');
    const fixtures = only ? [] : readdirSync(kerasRoot).filter((d) => existsSync(join(kerasRoot, d, 'model.keras'))).sort();
    for (const name of fixtures) {
      it(`keras fixture: ${name} on ${backend}`, async () => {
        const dir = join(kerasRoot, name);
        const keras = await readKerasModel(await readModelFiles(join(dir, 'model.keras')));
        const input = parseNpy(readFileSync(join(dir, 'input.npy')));
        const row: Row = { name, kind: 'keras fixture', backend, input: input.shape.slice(1).join('×'),
          params: keras.layers.reduce((n, l) => n + l.weights.reduce((m, w) => m + w.data.length, 0), 0),
          classes: [...new Set(keras.layers.map((l) => l.className))].filter((c) => c !== 'InputLayer').sort(),
          comparisons: [], times: '' };
        rows.push(row);
        const outFiles = existsSync(join(dir, 'output.npy')) ? ['output.npy'] : readdirSync(dir).filter((f) => /^output\d+\.npy$/.test(f)).sort();
        const t0 = performance.now();
        const model = await loadModelInPage(join(dir, 'model.keras'), { backend });
        try {
          expectOnBackend(model, backend);
          const t1 = performance.now();
          const outs = await model.run([input]);
          const t2 = performance.now();
          const outs1 = await model.run([first(input)]);
          row.times = `load ${((t1 - t0) / 1000).toFixed(1)} s; first run ${((t2 - t1) / 1000).toFixed(2)} s`;
          outFiles.forEach((f, i) => {
            const expected = parseNpy(readFileSync(join(dir, f)));
            row.comparisons.push(compare(`batch ${input.shape[0]} ${f}`, outs[i], expected));
            row.comparisons.push(compare(`batch 1 ${f}`, outs1[i], first(expected)));
          });
          // Our shader files exist only on WebGPU; ONNX Runtime picks its own kernels.
          if (backend === 'webgpu') row.kernels = [...new Set([...(await kernelsOf(model, [input])), ...(await kernelsOf(model, [first(input)]))])].sort();
        } finally {
          await model.dispose();
        }
        row.seconds = (performance.now() - t0) / 1000;
        await record(row);
        expect(row.comparisons.filter((c) => !c.ok).map((c) => `${c.label}: ${c.message}`)).toEqual([]);
      });
    }
  }

  afterAll(() => {
    if (rows.length > 0) writeFileSync(join(repoRoot, 'docs/conformance.md'), report(rows));
    regenerateCorrectnessDocs(); // the recorded rows reach docs/correctness.md and the README
  });
});

const first = (t: Tensor): Tensor => ({ shape: [1, ...t.shape.slice(1)], data: t.data.slice(0, t.data.length / t.shape[0]) });

function report(all: Row[]): string {
  const lines: string[] = [];
  lines.push('# Conformance: the engine vs real Keras 3');
  lines.push('');
  lines.push(`Generated by \`npm run conformance\` (test/long/conformance.test.ts) on ${new Date().toISOString().slice(0, 10)}; do not edit by hand.`);
  lines.push('');
  lines.push('Zoo models: `keras.applications` architectures (weights=None, include_top=False, pooling="avg",');
  lines.push('+ Dense(3) "logits" + softmax) and two 2-D U-Nets, built with real Keras 3 by');
  lines.push('`scripts/keras_refs/zoo.py`, every weight set from the seeded PRNG (rule in its docstring) and');
  lines.push('regenerated bit-identically in the page; nothing but the architecture JSON and Keras\' outputs is');
  lines.push('committed (test/fixtures/zoo). Keras fixtures: the small .keras files of test/fixtures/keras.');
  lines.push('Errors are max |engine − Keras| and max |engine − Keras| / |Keras| over every output value;');
  lines.push('a value passes when |error| ≤ 1e-4 + 1e-3·|Keras|. Times are SwiftShader (WebGPU on the CPU)');
  lines.push('in headless Chromium on a shared 2-core machine: compare them with each other, not with a GPU');
  lines.push('(and expect noise: other jobs share the cores). Relative errors are large only where Keras\' value is');
  lines.push('near zero; the absolute term covers those.');
  lines.push('');
  lines.push('Every zoo model is run again at batch 1 with `LoadOptions.extraOutputs` set to the layers whose Keras');
  lines.push('outputs are committed (first conv, a middle block, the last block: test/fixtures/zoo/<model>/inter);');
  lines.push('when a model diverges, the first of them that differs is named below.');
  lines.push('');
  const comparisons = all.flatMap((r) => r.comparisons);
  const failed = all.filter((r) => r.error || r.comparisons.some((c) => !c.ok)).map((r) => `${r.name} on ${r.backend}`);
  lines.push(`**${all.length - failed.length} of ${all.length} model runs pass**${failed.length ? ` (failing: ${failed.join(', ')})` : ''}; ` +
    `worst max abs error ${fmt(Math.max(0, ...comparisons.map((c) => c.maxAbs)))}.${adapter ? ` Adapter: ${adapter}.` : ''}`);
  lines.push('');
  lines.push('| model | backend | input | params | output | max abs err | max rel err | max abs Keras | result |');
  lines.push('|---|---|---|---:|---|---:|---:|---:|---|');
  for (const r of all) {
    if (r.comparisons.length === 0) {
      lines.push(`| ${r.name} | ${r.backend} | ${r.input} | ${r.params.toLocaleString('en')} | — | — | — | — | **error**: ${r.error ?? 'no result'} |`);
      continue;
    }
    r.comparisons.forEach((c, i) => {
      const head = i === 0 ? `| ${r.name} | ${r.backend} | ${r.input} | ${r.params.toLocaleString('en')} ` : '| | | | ';
      lines.push(`${head}| ${c.label} | ${fmt(c.maxAbs)} | ${fmt(c.maxRel)} | ${c.scale.toPrecision(3)} | ${c.ok ? 'pass' : `**FAIL** ${c.message ?? ''}`} |`);
    });
  }
  lines.push('');
  lines.push('## Per model');
  lines.push('');
  for (const r of all) {
    lines.push(`### ${r.name} (${r.kind}, ${r.backend})`);
    lines.push('');
    lines.push(`- Input ${r.input}, ${r.params.toLocaleString('en')} parameters.`);
    lines.push(`- Layer classes: ${r.classes.join(', ')}.`);
    if (r.times) lines.push(`- Time: ${r.times}.`);
    if (r.inner) {
      lines.push(r.inner.first
        ? `- **First diverging checked layer: \`${r.inner.first}\`** (checked, in model order: ${r.inner.checked.join(', ')}).`
        : `- Intermediate layers checked against Keras (batch 1): ${r.inner.checked.map((c) => `\`${c}\``).join(', ')}: all agree, worst abs error ${fmt(r.inner.maxAbs)}.`);
    }
    if (r.error) lines.push(`- Error: ${r.error}`);
    lines.push('');
  }
  return lines.join('\n');
}
