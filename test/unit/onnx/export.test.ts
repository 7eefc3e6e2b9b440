/**
 * exportOnnx as a whole: the ModelProto it writes (decoded with protobufjs' own reflection, not by
 * our writer), the symbolic batch (one session, several batch sizes, Reshape and Flatten
 * included), the static-batch and opset options, the errors, and the emitter table against the
 * registry.
 */
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/light.js';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { OnnxExportError } from '../../../src/errors.ts';
import { OPS } from '../../../src/ops/registry.ts';
import { exportOnnx } from '../../../src/onnx/index.ts';
import { ONNX_SCHEMA } from '../../../src/onnx/schema.ts';
import { ONNX_EMITTERS } from '../../../src/onnx/table.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { expectTensorsClose, F32 } from '../../util/compare.ts';
import { batchOf, expectOnnxMatchesReference, kerasModel, layer as L, runOnnx } from './ort.ts';

const ModelProto = protobuf.Root.fromJSON(ONNX_SCHEMA as unknown as protobuf.INamespace).lookupType('onnx.ModelProto');

interface Decoded {
  irVersion: number;
  opsetImport: { version: number }[];
  graph: {
    node: { opType: string; attribute: { name: string; ints?: number[] }[] }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
    output: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
  };
}
const decode = (bytes: Uint8Array): Decoded => ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as unknown as Decoded;
const dims = (vi: Decoded['graph']['input'][number]) => vi.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue ?? 0);

/** Conv → Flatten → Dense, and a Reshape branch: everything that could bake the batch in. */
function net() {
  return kerasModel(
    [6, 5, 3],
    [
      L('c', 'Conv2D', ['in'], { filters: 4, kernel_size: 2, padding: 'valid', activation: 'relu6' }, [[2, 2, 3, 4], [4]]),
      L('f', 'Flatten', ['c']),
      L('d', 'Dense', ['f'], { units: 3 }, [[80, 3], [3]]),
      L('r', 'Reshape', ['c'], { target_shape: [-1, 4] }),
      L('u', 'UpSampling2D', ['in'], { size: 2, interpolation: 'bilinear' }),
    ],
    ['d', 'r', 'u'],
  );
}

describe('exportOnnx', () => {
  it('writes a ModelProto: IR 8 / opset 17, channels-last float32 I/O with a symbolic batch, OIHW conv kernels', async () => {
    const graph = optimizeGraph(buildGraph(net()));
    const onnx = await exportOnnx(graph);
    const m = decode(onnx.bytes);
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport.map((o) => o.version)).toEqual([17]);
    expect(m.graph.input.map((i) => i.name)).toEqual(onnx.inputNames);
    expect(m.graph.output.map((o) => o.name)).toEqual(onnx.outputNames);
    expect(dims(m.graph.input[0])).toEqual(['batch', 6, 5, 3]);
    expect(m.graph.output.map(dims)).toEqual([['batch', 3], ['batch', 20, 4], ['batch', 12, 10, 3]]);
    expect(m.graph.input[0].type.tensorType.elemType).toBe(1);
    const ops = m.graph.node.map((n) => n.opType);
    expect(ops.slice(0, 3)).toEqual(['Transpose', 'Conv', 'Clip']);
    expect(m.graph.node[0].attribute.find((a) => a.name === 'perm')?.ints).toEqual([0, 3, 1, 2]);
    const kernel = m.graph.initializer.find((t) => t.name.startsWith('c/kernel'))!;
    expect(kernel.dims).toEqual([4, 3, 2, 2]);
    const hwio = graph.nodes.find((n) => n.name === 'c')!.weights[0].data;
    const oihw = new Float32Array(kernel.rawData.slice().buffer);
    // h=1, w=0, i=2, o=3 in HWIO ([2,2,3,4]) sits at o=3, i=2, h=1, w=0 in OIHW ([4,3,2,2]).
    expect(oihw[3 * 12 + 2 * 4 + 1 * 2 + 0]).toBe(hwio[1 * 24 + 0 * 12 + 2 * 4 + 3]);
    // The Reshape keeps the batch with 0.
    const shapeInit = m.graph.initializer.find((t) => t.name.startsWith('r/shape'))!;
    expect([...new BigInt64Array(shapeInit.rawData.slice().buffer)].map(Number)).toEqual([0, 20, 4]);
  });

  it('one exported model serves batches 1, 2 and 5 (Flatten, Reshape, Resize sizes, Dense)', async () => {
    const graph = optimizeGraph(buildGraph(net()));
    const onnx = await exportOnnx(graph);
    for (const batch of [1, 2, 5]) {
      const x = batchOf([6, 5, 3], batch, -2, 2, batch);
      const got = await runOnnx(onnx.bytes, onnx.inputNames, onnx.outputNames, [x]);
      executeReference(graph, [x]).outputs.forEach((e, i) => expectTensorsClose(got[i], e, F32, `batch ${batch} output ${i}`));
    }
  });

  it('takes several inputs in the graph\'s order, and outputs an input and an intermediate tensor', async () => {
    const model = kerasModel([5, 6, 3], [
      L('c', 'Conv2D', ['in'], { filters: 3, kernel_size: 3, padding: 'same' }, [[3, 3, 3, 3], [3]]),
      L('a', 'Add', ['c', 'in2']),
      L('k', 'Concatenate', ['a', 'in2', 'c'], { axis: -1 }),
    ], ['k', 'c']);
    model.layers.splice(1, 0, L('in2', 'InputLayer', [], { batch_input_shape: [null, 5, 6, 3] }));
    model.inputs.push({ layer: 'in2', nodeIndex: 0, tensorIndex: 0 });
    model.inputShapes.push([null, 5, 6, 3]);
    const graph = optimizeGraph(buildGraph(model));
    graph.outputs.push(graph.inputs[1].name);
    const onnx = await exportOnnx(graph);
    expect(onnx.inputNames).toHaveLength(2);
    expect(onnx.outputNames).toHaveLength(3);
    const xs = [batchOf([5, 6, 3], 11), batchOf([5, 6, 3], 12)];
    const got = await runOnnx(onnx.bytes, onnx.inputNames, onnx.outputNames, xs);
    executeReference(graph, xs).outputs.forEach((e, i) => expectTensorsClose(got[i], e, F32, `output ${i}`));
  });

  it('a plain CNN changes layout once: one Transpose after the input, none before a global pool head', async () => {
    const model = kerasModel([12, 11, 3], [
      L('c1', 'Conv2D', ['in'], { filters: 4, kernel_size: 3, padding: 'same' }, [[3, 3, 3, 4], [4]]),
      L('b1', 'BatchNormalization', ['c1'], { epsilon: 1e-3 }, [[4], [4], [4], [4]]),
      L('r1', 'Activation', ['b1'], { activation: 'relu' }),
      L('p1', 'MaxPooling2D', ['r1'], { pool_size: 2 }),
      L('c2', 'Conv2D', ['p1'], { filters: 5, kernel_size: 3, padding: 'valid', activation: 'relu' }, [[3, 3, 4, 5], [5]]),
      L('g', 'GlobalAveragePooling2D', ['c2']),
      L('d', 'Dense', ['g'], { units: 2, activation: 'softmax' }, [[5, 2], [2]]),
    ]);
    const m = decode((await exportOnnx(optimizeGraph(buildGraph(model)))).bytes);
    expect(m.graph.node.filter((n) => n.opType === 'Transpose')).toHaveLength(1);
    expect(m.graph.node.map((n) => n.opType)).toEqual(['Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm', 'Softmax', 'Identity']);
  });

  it('writes a static batch when asked', async () => {
    const onnx = await exportOnnx(optimizeGraph(buildGraph(net())), { batch: 3 });
    const m = decode(onnx.bytes);
    expect(dims(m.graph.input[0])).toEqual([3, 6, 5, 3]);
    expect(dims(m.graph.output[0])).toEqual([3, 3]);
  });

  it('opsets 18 to 21 (ReduceMean takes its axes as an input from 18): the same results', async () => {
    // The whole per-op suite (./ops.test.ts) also passed at opsets 19 and 21 when run so (2026-12-03).
    const rms = buildGraph(kerasModel([4, 5, 6], [L('l', 'LayerNormalization', ['in'], { axis: -1, epsilon: 1e-3, rms_scaling: true }, [[6]])]));
    const graph = optimizeGraph(buildGraph(net()));
    for (const opset of [18, 19, 20, 21]) {
      await expectOnnxMatchesReference(rms, [batchOf([4, 5, 6], opset)], F32, { opset });
      await expectOnnxMatchesReference(graph, [batchOf([6, 5, 3], opset)], F32, { opset });
      expect(decode((await exportOnnx(graph, { opset })).bytes).opsetImport[0].version).toBe(opset);
    }
  });

  it('refuses an input with an open spatial size, an unknown opset and a bad batch, with OnnxExportError', async () => {
    const open = buildGraph({ ...net(), inputShapes: [[null, null, null, 3]] });
    await expect(exportOnnx(open)).rejects.toThrow(OnnxExportError);
    await expect(exportOnnx(open)).rejects.toThrow(/declares shape \[\?, \?, \?, 3\]/);
    const graph = buildGraph(net());
    await expect(exportOnnx(graph, { opset: 11 })).rejects.toThrow(/opset 11 is not supported/);
    await expect(exportOnnx(graph, { batch: 0 })).rejects.toThrow(/batch must be a positive integer/);
  });

  it('has an emitter for every registry op, and nothing else', () => {
    expect(Object.keys(ONNX_EMITTERS).sort()).toEqual(Object.keys(OPS).sort());
    for (const emit of Object.values(ONNX_EMITTERS)) expect(typeof emit).toBe('function');
  });
});
