/**
 * What one fuzz case runs, inside the sandbox worker: build the input from its spec, hand it to
 * the engine's public reading path, and sort the ending into a typed EngineError, a valid result
 * (checked: finite integer shapes, data filling them, a plan the scheduler accepts), or anything
 * else. Model cases go as far as the CPU can: readKerasModel → buildGraph → graph passes →
 * planLayout (shape inference + every op's kernel choice) → the CPU reference on small models,
 * once on the graph as read and once as optimised, which must agree.
 */
import { createHash } from 'node:crypto';
import { EngineError } from '../../../src/errors.ts';
import { readKerasModel, type ModelSource } from '../../../src/formats/read-model.ts';
import type { KerasModel } from '../../../src/formats/keras-model.ts';
import { parseNpy } from '../../../src/formats/npy.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { decodeImage } from '../../../src/runtime/image-decode.ts';
import { planLayout } from '../../../src/scheduler/layout.ts';
import { sizeOf, type Tensor } from '../../../src/tensor.ts';
import { bytesOf, editJson, expand, parseJson } from './materialize.ts';
import type { CaseRequest, CaseResult, ModelSourceSpec } from './spec.ts';

/** WebGPU's default limits: what every adapter offers, so a plan that fits here fits anywhere. */
const LIMITS = { maxStorageBufferBindingSize: 128 << 20, maxBufferSize: 256 << 20, minUniformBufferOffsetAlignment: 256 };

/** The CPU reference runs only on models this small (elements over all tensors, and weights). */
const REFERENCE_ELEMENTS = 100_000;

/** Thrown for a result that came back but is malformed. */
class BadResult extends Error {}

export async function runCase(req: CaseRequest): Promise<CaseResult> {
  let run: () => Promise<CaseResult>;
  try {
    run = prepare(req);
  } catch (e) {
    // The harness could not build the input: a bug in the fuzzer, never counted as the engine's.
    return { outcome: 'harness', message: `building the input failed: ${describe(e).message}` };
  }
  try {
    return await run();
  } catch (e) {
    if (e instanceof EngineError) return { outcome: 'typed', code: e.code, name: e.name, message: e.message.slice(0, 400) };
    if (e instanceof BadResult) return { outcome: 'bad-result', message: e.message };
    return { outcome: 'bad', ...describe(e) };
  }
}

function describe(e: unknown): { name: string; message: string; stack: string } {
  if (e instanceof Error) {
    return { name: e.constructor?.name ?? e.name, message: e.message.slice(0, 400), stack: (e.stack ?? '').split('\n').slice(1, 9).join('\n') };
  }
  return { name: `thrown ${typeof e}`, message: String(e).slice(0, 400), stack: '' };
}

/** Builds the input (harness work) and returns the engine run. */
function prepare(req: CaseRequest): () => Promise<CaseResult> {
  if (req.target === 'npy') {
    const bytes = bytesOf(req.file);
    return async () => checkTensor(parseNpy(bytes, 'fuzz.npy'));
  }
  if (req.target === 'image') {
    const bytes = bytesOf(req.file);
    return async () => checkImage(decodeImage(bytes, { channels: req.channels, grayscale: req.grayscale, name: 'fuzz image' }), req.channels);
  }
  const source = modelSource(req.source);
  return async () => checkModel(await readKerasModel(source));
}

function modelSource(s: ModelSourceSpec): ModelSource {
  if (s.form === 'bytes') return bytesOf(s.file);
  if (s.form === 'files') return { files: new Map(s.files.map((f) => [f.name, bytesOf(f.file)])) };
  const ref = s.modelJson;
  return { modelJson: expand(editJson(parseJson(ref.json), ref.edits)), weights: s.weights.map(bytesOf) };
}

// ---------------------------------------------------------------- checks of valid results

const isDim = (d: unknown, min: number) => typeof d === 'number' && Number.isSafeInteger(d) && d >= min;

function checkTensor(t: Tensor): CaseResult {
  if (!Array.isArray(t.shape) || !t.shape.every((d) => isDim(d, 0))) throw new BadResult(`tensor shape [${t.shape}] is not made of integers ≥ 0`);
  if (!(t.data instanceof Float32Array) || t.data.length !== sizeOf(t.shape)) {
    throw new BadResult(`tensor of shape [${t.shape}] holds ${t.data?.length} values`);
  }
  return { outcome: 'valid', fingerprint: hash([JSON.stringify(t.shape), t.data]), notes: [] };
}

function checkImage(img: ReturnType<typeof decodeImage>, want: number): CaseResult {
  const { width, height, channels, data } = img;
  if (!isDim(width, 1) || !isDim(height, 1)) throw new BadResult(`image size ${width}×${height}`);
  if (channels !== want) throw new BadResult(`asked for ${want} channels, got ${channels}`);
  if (data.length !== width * height * channels) throw new BadResult(`${data.length} values for ${width}×${height}×${channels}`);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 255)) throw new BadResult(`pixel value ${v} at ${i} is outside 0–255`);
  }
  return { outcome: 'valid', fingerprint: hash([`${width}x${height}x${channels}`, data]), notes: [] };
}

function checkModel(km: KerasModel): CaseResult {
  const notes: string[] = [];
  let weightElements = 0;
  let nonFinite = false;
  for (const l of km.layers) {
    if (typeof l.name !== 'string' || typeof l.className !== 'string') throw new BadResult(`a layer without name or class`);
    for (const w of l.weights) {
      if (!w.shape.every((d) => isDim(d, 0))) throw new BadResult(`layer "${l.name}" weight "${w.name}" has shape [${w.shape}]`);
      if (w.data.length !== sizeOf(w.shape)) throw new BadResult(`layer "${l.name}" weight "${w.name}": ${w.data.length} values for [${w.shape}]`);
      weightElements += w.data.length;
      if (!nonFinite && !w.data.every(Number.isFinite)) nonFinite = true;
    }
  }
  if (nonFinite) notes.push('non-finite weights');
  const graph = buildGraph(km);
  const optimized = optimizeGraph(graph);
  const inputShapes = graph.inputs.map((i) => runShape(i.shape));
  const layout = planLayout(optimized, inputShapes, LIMITS);
  let elements = 0;
  for (const [name, shape] of layout.shapes) {
    if (!shape.every((d) => isDim(d, 1))) throw new BadResult(`tensor ${name} has shape [${shape}] (dimensions must be integers ≥ 1)`);
    elements += sizeOf(shape);
  }
  for (const { node, kernel } of layout.steps) {
    if (!kernel.dispatch.every((d) => isDim(d, 0))) throw new BadResult(`${node.name}: dispatch [${kernel.dispatch}]`);
    for (const [k, v] of [...Object.entries(kernel.params ?? {}), ...Object.entries(kernel.constants ?? {})]) {
      const vs: unknown[] = typeof v === 'number' ? [v] : Array.isArray(v) || ArrayBuffer.isView(v) ? [...(v as ArrayLike<number> & Iterable<number>)] : [v];
      if (!vs.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new BadResult(`${node.name}: kernel parameter ${k} = ${JSON.stringify(v)}`);
    }
  }
  const parts: (string | Float32Array)[] = [JSON.stringify(inputShapes), ...graph.nodes.map(nodeText)];
  for (const l of km.layers) for (const w of l.weights) parts.push(w.data);
  if (elements <= REFERENCE_ELEMENTS && weightElements <= REFERENCE_ELEMENTS) {
    const inputs = inputShapes.map((s, i) => ({ shape: s, data: seeded(sizeOf(s), i) }));
    const plain = executeReference(graph, inputs).outputs;
    const fused = executeReference(optimized, inputs).outputs;
    plain.forEach((t, i) => {
      const want = layout.shapes.get(graph.outputs[i]);
      if (t.data.length !== sizeOf(t.shape) || String(t.shape) !== String(want)) throw new BadResult(`reference output ${i} has shape [${t.shape}], planned [${want}]`);
      agree(t, fused[i], i);
      parts.push(t.data);
    });
    notes.push('reference ran');
    // Not a failure (an epsilon of -1 gives NaN in Keras too), but counted: see FINDINGS.md.
    if (plain.some((t) => !t.data.every(Number.isFinite))) notes.push('non-finite output');
  }
  return { outcome: 'valid', fingerprint: hash(parts), notes };
}

/** The input shape a case runs at: batch 1, free dimensions 32 (channels 3); huge volumes cropped. */
function runShape(declared: readonly (number | null)[]): number[] {
  const last = declared.length - 1;
  const shape = declared.map((d, k) => (d === null ? (k === 0 ? 1 : k === last ? 3 : 32) : d));
  // A fully convolutional model runs at any size (MeshNet declares 256³): plan a small crop.
  if (shape.every((d) => isDim(d, 1)) && sizeOf(shape) > 4_000_000) return shape.map((d, k) => (k === 0 || k === last ? d : Math.min(d, 16)));
  return shape;
}

/**
 * The optimised graph computes what the graph as read does (fusion must not change results).
 * Mutated weights can be wild (a flipped exponent makes 1e30), and folding BatchNorm into a conv
 * reorders arithmetic, so the bound is relative to the output's largest magnitude: loose for
 * rounding, tight enough to catch a wrong fusion (a dropped bias, a misplaced activation).
 */
function agree(a: Tensor, b: Tensor, i: number): void {
  if (String(a.shape) !== String(b.shape)) throw new BadResult(`output ${i}: optimised graph gives shape [${b.shape}], plain [${a.shape}]`);
  let scale = 0;
  for (const x of a.data) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  for (let k = 0; k < a.data.length; k++) {
    const x = a.data[k];
    const y = b.data[k];
    if (!Number.isFinite(x) || !Number.isFinite(y) || scale > 1e30) continue;
    if (Math.abs(x - y) > 1e-3 * (1 + scale)) throw new BadResult(`output ${i}[${k}]: optimised graph gives ${y}, plain ${x}`);
  }
}

function nodeText(n: Graph['nodes'][number]): string {
  return JSON.stringify([n.op, n.inputs, n.output, n.attrs, n.weights.map((w) => w.shape)], (_, v) =>
    v instanceof Float32Array ? `f32[${v.length}]` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

/** Deterministic inputs in [-1, 1). */
function seeded(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  let x = (0x9e3779b9 ^ salt) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    out[i] = x / 2 ** 31 - 1;
  }
  return out;
}

function hash(parts: (string | Float32Array)[]): string {
  const h = createHash('sha1');
  for (const p of parts) h.update(typeof p === 'string' ? p : new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  return h.digest('hex').slice(0, 16);
}
