/**
 * Runs exported ONNX bytes in ONNX Runtime Web's Node build (its WASM backend, one thread), and the
 * helpers the ONNX export tests share: Keras layers as graph nodes, and the comparison with our CPU
 * reference (src/reference).
 */
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import { exportOnnx, type OnnxExportOptions } from '../../../src/onnx/index.ts';
import type { Graph } from '../../../src/graph/ir.ts';
import type { KerasLayer, KerasModel } from '../../../src/formats/keras-model.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import type { Tensor } from '../../../src/tensor.ts';
import { expectTensorsClose, F32, type Tolerance } from '../../util/compare.ts';
import { randomArray, randomTensor } from '../../util/random.ts';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

/** Runs `bytes` on `inputs` (channels-last, fed in order to `inputNames`); returns the outputs in order. */
export async function runOnnx(bytes: Uint8Array, inputNames: readonly string[], outputNames: readonly string[], inputs: readonly Tensor[]): Promise<Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  try {
    const feeds = Object.fromEntries(inputNames.map((name, i) => [name, new ort.Tensor('float32', inputs[i].data, [...inputs[i].shape])]));
    const out = await session.run(feeds);
    return outputNames.map((name) => ({ shape: out[name].dims.map(Number), data: out[name].data as Float32Array }));
  } finally {
    await session.release();
  }
}

/**
 * Exports `graph`, runs it in ORT on `inputs` and compares every output with our CPU reference
 * within `tol`; returns the max |error|, the max relative error (of values above 1e-6) and the
 * largest |expected value| (the outputs' scale).
 */
export async function expectOnnxMatchesReference(graph: Graph, inputs: readonly Tensor[], tol: Tolerance = F32, options?: OnnxExportOptions, label = graph.nodes.map((n) => n.op).join('+')): Promise<{ maxAbs: number; maxRel: number; scale: number }> {
  const onnx = await exportOnnx(graph, options);
  const got = await runOnnx(onnx.bytes, onnx.inputNames, onnx.outputNames, inputs);
  const expected = executeReference(graph, inputs).outputs;
  expect(got.length).toBe(expected.length);
  const worst = { maxAbs: 0, maxRel: 0, scale: 0 };
  got.forEach((t, i) => {
    const s = expectTensorsClose(t, expected[i], tol, `${label}: output ${i}`);
    worst.maxAbs = Math.max(worst.maxAbs, s.maxAbs);
    worst.maxRel = Math.max(worst.maxRel, s.maxRel);
    for (const v of expected[i].data) worst.scale = Math.max(worst.scale, Math.abs(v));
  });
  return worst;
}

/** A layer called once on the named layers (`from`), weights named by their Keras position. */
export function layer(name: string, className: string, from: string[], config: Record<string, unknown> = {}, weightShapes: number[][] = [], seed = 1): KerasLayer {
  const weights = weightShapes.map((shape, i) => ({ name: String(i), shape, data: randomArray(shape.reduce((a, b) => a * b, 1), seed * 31 + i, -0.6, 0.6) }));
  return { name, className, config: { name, ...config }, weights, inbound: from.length ? [from.map((l) => ({ layer: l, nodeIndex: 0, tensorIndex: 0 }))] : [] };
}

/** A one-input Keras model whose input layer is "in" (shape without the batch) and output the last layer. */
export function kerasModel(inputShape: number[], layers: KerasLayer[], outputs = [layers[layers.length - 1].name], kerasVersion = '3.5.0'): KerasModel {
  return {
    name: 'm',
    className: 'Functional',
    layers: [layer('in', 'InputLayer', [], { batch_input_shape: [null, ...inputShape] }), ...layers],
    inputs: [{ layer: 'in', nodeIndex: 0, tensorIndex: 0 }],
    outputs: outputs.map((l) => ({ layer: l, nodeIndex: 0, tensorIndex: 0 })),
    inputShapes: [[null, ...inputShape]],
    kerasVersion,
    format: 'test',
  };
}

/** A batch-2 random input for a graph's single input of `shape` (without the batch). */
export const batchOf = (shape: number[], seed: number, lo = -1, hi = 1, batch = 2): Tensor => randomTensor([batch, ...shape], seed, lo, hi);
