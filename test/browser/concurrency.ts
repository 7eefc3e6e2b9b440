/**
 * Runs inside the test page for test/gpu/concurrency.test.ts: many calls in flight on one model,
 * and two models sharing one device, each compared with the answers the same inputs get one at a time.
 */
import { gpuMemoryStats, loadModel, tensor, type GpuMemoryStats, type LoadOptions, type Model, type Tensor } from '../../src/index.ts';

/** `count` different inputs of `shape` (batch first), the same every call. */
function inputs(shape: number[], count: number, seed = 0): Tensor[] {
  const size = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: count }, (_, k) => {
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = ((i * 29 + (k + seed) * 613) % 256) / 255 - 0.25;
    return tensor(data, shape);
  });
}

/** One call at a time. */
async function oneByOne(model: Model, xs: Tensor[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const x of xs) out.push(Array.from((await model.predict(x)).data));
  return out;
}

const distinct = (outs: number[][]) => new Set(outs.map((o) => o.join(','))).size;

export interface ConcurrentReport {
  /** How many different answers the inputs get one at a time (all different: a mix-up would show). */
  distinct: number;
  /** Each concurrent call's answer, and the one-at-a-time answer for its input. */
  concurrent: number[][];
  expected: number[][];
}

/**
 * `count` predicts started at once on a model with a compiled plan; then the same on a fresh model
 * whose first calls all arrive together (they share one plan being compiled), under the default
 * options (background autotuning may swap the plan between calls, hence `fresh` is compared with a
 * tolerance by the caller); then batches of 1 and 3 (two plans) interleaved.
 */
export async function concurrentPredicts(url: string, count: number): Promise<{ warm: ConcurrentReport; fresh: ConcurrentReport; mixed: ConcurrentReport }> {
  const xs = inputs([1, 64, 64, 3], count);
  const model = await loadModel(url, { backend: 'webgpu', autotune: false, inputShape: [1, 64, 64, 3] });
  const fresh = await loadModel(url, { backend: 'webgpu' });
  try {
    const expected = await oneByOne(model, xs);
    const warm = (await Promise.all(xs.map((x) => model.predict(x)))).map((y) => Array.from(y.data));
    const cold = (await Promise.all(xs.map((x) => fresh.predict(x)))).map((y) => Array.from(y.data));
    const triples = inputs([3, 64, 64, 3], count / 4, 100);
    const mixedExpected = [...expected, ...(await oneByOne(model, triples))];
    const calls = [...xs.map((x) => model.predict(x)), ...triples.map((x) => model.predict(x))];
    const mixed = (await Promise.all(calls)).map((y) => Array.from(y.data));
    return {
      warm: { distinct: distinct(expected), concurrent: warm, expected },
      fresh: { distinct: distinct(expected), concurrent: cold, expected },
      mixed: { distinct: distinct(mixedExpected), concurrent: mixed, expected: mixedExpected },
    };
  } finally {
    await model.dispose();
    await fresh.dispose();
  }
}

export interface SharedDeviceReport {
  a: ConcurrentReport;
  b: ConcurrentReport;
  /** B's answers after A was disposed (A's dispose must leave the shared device alone). */
  bAfterA: number[][];
  deviceLost: boolean;
  /** The shared device's live GPU objects after both models were disposed. */
  afterBoth: GpuMemoryStats;
}

/**
 * Two models on one device the page made (`device` option), their calls interleaved and all in
 * flight together, against each model's answers on a device of its own.
 */
export async function sharedDevice(urlA: string, shapeA: number[], urlB: string, shapeB: number[], count: number): Promise<SharedDeviceReport> {
  const options: LoadOptions = { autotune: false };
  const xa = inputs(shapeA, count, 1);
  const xb = inputs(shapeB, count, 2);
  const alone = async (url: string, xs: Tensor[]) => {
    const m = await loadModel(url, { ...options, backend: 'webgpu' });
    try {
      return await oneByOne(m, xs);
    } finally {
      await m.dispose();
    }
  };
  const expectedA = await alone(urlA, xa);
  const expectedB = await alone(urlB, xb);

  const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
  let deviceLost = false;
  void device.lost.then(() => (deviceLost = true));
  const [a, b] = await Promise.all([loadModel(urlA, { ...options, backend: 'webgpu', device }), loadModel(urlB, { ...options, backend: 'webgpu', device })]);
  const calls: Promise<Tensor>[] = [];
  for (let i = 0; i < count; i++) calls.push(a.predict(xa[i]), b.predict(xb[i]));
  const outs = (await Promise.all(calls)).map((y) => Array.from(y.data));
  await a.dispose();
  const bAfterA = await oneByOne(b, xb);
  await b.dispose();
  // Let a loss that dispose might have caused surface before reading the flag.
  await device.queue.onSubmittedWorkDone();
  const report: SharedDeviceReport = {
    a: { distinct: distinct(expectedA), concurrent: outs.filter((_, i) => i % 2 === 0), expected: expectedA },
    b: { distinct: distinct(expectedB), concurrent: outs.filter((_, i) => i % 2 === 1), expected: expectedB },
    bAfterA,
    deviceLost,
    afterBoth: gpuMemoryStats(device),
  };
  device.destroy();
  return report;
}
