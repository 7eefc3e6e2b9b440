/**
 * Node side of the conformance zoo (test/fixtures/zoo, scripts/keras_refs/zoo.py): runs a model in
 * the test page (test/browser/zoo.ts) and compares with real Keras' committed outputs. Shared by
 * test/gpu/models/zoo.test.ts and the conformance report (test/long/conformance.test.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../src/formats/npy.ts';
import { fromWire } from '../../src/cli/wire.ts';
import type { Tensor } from '../../src/tensor.ts';
import { repoRoot } from './fixtures.ts';
import { errorStats, type Tolerance } from './compare.ts';
import { fileUrl, gpuPage } from './gpu.ts';
import type { ZooRunOptions, ZooRunResult } from '../browser/zoo.ts';
import type { TestBackend } from './backends.ts';

export const ZOO_DIR = join(repoRoot, 'test/fixtures/zoo');

/**
 * Outputs must agree within |a − e| ≤ atol + rtol·|e|: 1e-4 absolute on softmax/sigmoid outputs
 * and on logits, relative 1e-3 where values are large (deep float32 sums in another order).
 */
export const ZOO_TOL: Tolerance = { atol: 1e-4, rtol: 1e-3 };

export interface ZooMeta {
  name: string;
  input_shape: number[];
  params: number;
  layers: number;
  layer_classes: string[];
  output_max_abs: number;
  intermediates: { layer: string; class: string; shape: number[]; max_abs: number; file?: string }[];
  keras_seconds: number;
}

export const zooModels = (): string[] =>
  existsSync(ZOO_DIR) ? readdirSync(ZOO_DIR).filter((d) => existsSync(join(ZOO_DIR, d, 'meta.json'))).sort() : [];

export const zooMeta = (name: string): ZooMeta => JSON.parse(readFileSync(join(ZOO_DIR, name, 'meta.json'), 'utf8'));

export const zooNpy = (name: string, file: string): Tensor => parseNpy(readFileSync(join(ZOO_DIR, name, file)), file);

export const zooHas = (name: string, file: string): boolean => existsSync(join(ZOO_DIR, name, file));

/** Runs one zoo model in the page; outputs come back as tensors. */
export async function runZooInPage(
  name: string,
  options: ZooRunOptions,
): Promise<Omit<ZooRunResult, 'outputs'> & { outputs: Tensor[][] }> {
  const page = await gpuPage();
  const url = fileUrl(join(ZOO_DIR, name));
  // A string, so vitest's transform does not rewrite the page-side dynamic import.
  const r = (await page.evaluate(
    `import('/test/browser/zoo.ts').then((m) => m.runZoo(${JSON.stringify(url)}, ${JSON.stringify(options)}))`,
  )) as ZooRunResult;
  return { ...r, outputs: r.outputs.map((outs) => outs.map(fromWire)) };
}

export interface Comparison {
  label: string;
  maxAbs: number;
  maxRel: number;
  ok: boolean;
  /** Largest |expected|: says what the errors are relative to. */
  scale: number;
  message?: string;
}

/** Compares one output with Keras' (shape and values). */
export function compare(label: string, actual: Tensor, expected: Tensor, tol: Tolerance = ZOO_TOL): Comparison {
  if (actual.shape.join('x') !== expected.shape.join('x')) {
    return { label, maxAbs: Infinity, maxRel: Infinity, ok: false, scale: 0,
      message: `shape [${actual.shape}] but Keras has [${expected.shape}]` };
  }
  const s = errorStats(actual.data, expected.data, tol);
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  return { label, maxAbs: s.maxAbs, maxRel: s.maxRel, ok: s.firstBad < 0, scale,
    message: s.firstBad < 0 ? undefined : `element ${s.firstBad}: ${actual.data[s.firstBad]} vs Keras ${expected.data[s.firstBad]}` };
}

/** The runs a model gets: batch 2, batch 1, and (fully convolutional models) another spatial size. */
export function zooCases(name: string): { input: string; outputs: string[] }[] {
  const cases = [
    { input: 'input.npy', outputs: ['output.npy', ...(zooHas(name, 'logits.npy') ? ['logits.npy'] : [])] },
    { input: 'input_b1', outputs: ['output_b1.npy'] },
  ];
  if (zooHas(name, 'input_alt.npy')) cases.push({ input: 'input_alt.npy', outputs: ['output_alt.npy'] });
  return cases;
}

/**
 * Runs every case of a model (one load) and compares each output with Keras'. Classifiers also
 * return their `logits` layer (as an extra output) and are compared on it, which is more telling
 * than a softmax near 0 or 1.
 */
export async function checkZooModel(
  name: string,
  warm = false,
  kernels = false,
  backend: TestBackend = 'webgpu',
): Promise<{ comparisons: Comparison[]; run: Awaited<ReturnType<typeof runZooInPage>> }> {
  const cases = zooCases(name);
  const hasLogits = zooHas(name, 'logits.npy');
  const run = await runZooInPage(name, {
    inputs: cases.map((c) => (c.input === 'input_b1' ? 'input.npy#b1' : c.input)),
    extraOutputs: hasLogits ? ['logits'] : [],
    warm,
    kernels,
    backend,
  });
  const comparisons: Comparison[] = [];
  cases.forEach((c, i) => {
    c.outputs.forEach((file, j) => {
      const label = c.input === 'input_b1' ? `batch 1 ${file}` : c.input === 'input.npy' ? `batch 2 ${file}` : `${file}`;
      comparisons.push(compare(label, run.outputs[i][j], zooNpy(name, file)));
    });
  });
  return { comparisons, run };
}

/**
 * Checks the committed intermediate layers (in model order) against Keras', running batch 1 with
 * those layers as extra outputs; `first` names the first that differs (undefined when all agree).
 */
export async function checkIntermediates(name: string, backend: TestBackend = 'webgpu'): Promise<{ first?: string; checked: Comparison[] }> {
  const inter = zooMeta(name).intermediates.filter((e) => e.file);
  const run = await runZooInPage(name, { inputs: ['input.npy#b1'], extraOutputs: inter.map((e) => e.layer), backend });
  const outs = run.outputs[0].slice(run.outputs[0].length - inter.length);
  const checked = inter.map((e, k) => compare(e.layer, outs[k], zooNpy(name, e.file!)));
  return { first: checked.find((c) => !c.ok)?.label, checked };
}
