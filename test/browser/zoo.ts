/**
 * Runs inside the test page (dynamic import through Vite): rebuilds one conformance-zoo model
 * (test/fixtures/zoo/<name>, scripts/keras_refs/zoo.py) from its committed architecture JSON plus
 * weights regenerated bit-identically from the seeded PRNG, loads it once, and runs it on each of
 * the given .npy inputs. Weights are made here, not sent over the DevTools socket (up to 100 MB).
 */
import { modelFromKeras, type BackendName } from '../../src/api.ts';
import { kerasModelFromArchitecture } from '../../src/formats/from-architecture.ts';
import type { KerasModel } from '../../src/formats/keras-model.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import type { WeightTensor } from '../../src/graph/ir.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';
import type { Tensor } from '../../src/tensor.ts';
import { seededHash } from '../util/prng.ts';

/** One entry of weights.json (see zoo.py's docstring for the rule). */
export interface ZooWeight {
  layer: string;
  name: string;
  shape: number[];
  seed?: number;
  offset?: number;
  scale?: number;
  /** Not a float weight (Normalization's count): bookkeeping only, not given to the engine. */
  skip?: boolean;
}

/** float32(offset + (2u - 1) * scale) for i = 0 .. count-1, in float64 before the one rounding (zoo.py `seeded`). */
export function zooValues(count: number, seed: number, offset: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = offset + (2 * (seededHash(i, seed) / 4294967296) - 1) * scale;
  return out;
}

export interface ZooRunOptions {
  /**
   * Input files in the model's folder, e.g. ['input.npy']; each is run as one batch. A `#b1` suffix
   * ('input.npy#b1') runs only the first sample, as batch 1.
   */
  inputs: string[];
  /** Layer names whose outputs come back after the model's own (LoadOptions.extraOutputs). */
  extraOutputs?: string[];
  /** Also time a second, warm run per input (conformance report; tests skip it to save time). */
  warm?: boolean;
  /** Also list the kernel (shader) files each input's plan ran, from one profiled run (conformance report; WebGPU only). */
  kernels?: boolean;
  /** Where the model runs (default 'webgpu'). */
  backend?: BackendName;
}

export interface ZooRunResult {
  /** Per input file: the model's outputs then the extra outputs. */
  outputs: WireTensor[][];
  /** Regenerating the weights and building the model (ms). */
  buildMs: number;
  /** Per input file: first run, which compiles the plan for that shape (ms). */
  firstRunMs: number[];
  /** Per input file: a second, warm run (ms), when asked for. */
  warmRunMs: number[];
  adapter: string;
  /** The backend the model ran on (model.backend). */
  backend: BackendName;
  /** Kernel files (the last linked file of each step) over every input's plan, sorted, when asked for. */
  kernels?: string[];
}

function firstSample(t: Tensor): Tensor {
  const shape = [1, ...t.shape.slice(1)];
  return { shape, data: t.data.slice(0, t.data.length / t.shape[0]) };
}

/** The zoo model in `dirUrl` as a Keras model: its architecture JSON with the seeded weights regenerated. */
export async function zooKerasModel(dirUrl: string): Promise<KerasModel> {
  const [architecture, listing] = await Promise.all([
    fetch(`${dirUrl}/model.json`).then((r) => r.json()),
    fetch(`${dirUrl}/weights.json`).then((r) => r.json() as Promise<{ weights: ZooWeight[] }>),
  ]);
  const byLayer = new Map<string, WeightTensor[]>();
  for (const w of listing.weights) {
    if (w.skip) continue;
    const size = w.shape.reduce((a, b) => a * b, 1);
    const list = byLayer.get(w.layer) ?? [];
    list.push({ name: w.name, shape: w.shape, data: zooValues(size, w.seed!, w.offset!, w.scale!) });
    byLayer.set(w.layer, list);
  }
  return kerasModelFromArchitecture(architecture, (layer) => byLayer.get(layer.name), { format: 'zoo' });
}

export async function runZoo(dirUrl: string, options: ZooRunOptions): Promise<ZooRunResult> {
  const t0 = performance.now();
  const keras = await zooKerasModel(dirUrl);
  const model = await modelFromKeras(keras, { backend: options.backend ?? 'webgpu', extraOutputs: options.extraOutputs });
  const buildMs = performance.now() - t0;
  try {
    const result: ZooRunResult = { outputs: [], buildMs, firstRunMs: [], warmRunMs: [], adapter: model.adapterName, backend: model.backend };
    for (const file of options.inputs) {
      const [path, suffix] = file.split('#');
      const whole = parseNpy(new Uint8Array(await (await fetch(`${dirUrl}/${path}`)).arrayBuffer()), path);
      const input = suffix === 'b1' ? firstSample(whole) : whole;
      let t = performance.now();
      const outs = await model.run([input]);
      result.firstRunMs.push(performance.now() - t);
      if (options.warm) {
        t = performance.now();
        await model.run([input]);
        result.warmRunMs.push(performance.now() - t);
      }
      result.outputs.push(outs.map(toWire));
      // Shader files exist only on WebGPU; ONNX Runtime picks its own kernels.
      if (options.kernels && model.backend === 'webgpu') {
        const profile = await model.profile([input], { repeats: 1, warmup: 0 });
        result.kernels = [...new Set([...(result.kernels ?? []), ...profile.steps.map((s) => s.shader[s.shader.length - 1])])].sort();
      }
    }
    return result;
  } finally {
    await model.dispose();
  }
}
