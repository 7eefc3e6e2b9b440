/**
 * Conv2D's op module on the Node tier: Keras config → node attrs, rejected options (named), the
 * shape rule, and the epilogue hooks the graph passes call (activation fusion, BatchNorm folding).
 */
import { describe, expect, it } from 'vitest';
import { ModelFormatError, ShapeError, UnsupportedLayerError } from '../../../src/errors.ts';
import type { KerasLayer } from '../../../src/formats/keras-model.ts';
import { makeActivation } from '../../../src/graph/activations.ts';
import { ActivationKind, type GraphNode } from '../../../src/graph/ir.ts';
import { conv2d, type Conv2DAttrs } from '../../../src/ops/conv2d.ts';
import type { NodeDraft } from '../../../src/ops/types.ts';
import { executeReference } from '../../../src/reference/execute.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { tensor } from '../../../src/tensor.ts';

const ctx = { meta: { name: 'm', kerasVersion: '2.15.0', format: 'test' }, kerasMajor: 2 as const };

function layer(config: Record<string, unknown>, withBias = true): KerasLayer {
  const k = [3, 3, 2, 4];
  const weights = [{ name: 'conv/kernel', shape: k, data: Float32Array.from({ length: 72 }, (_, i) => (i % 7) - 3) }];
  if (withBias) weights.push({ name: 'conv/bias', shape: [4], data: Float32Array.from([0.5, -1, 2, 0]) });
  return {
    name: 'conv',
    className: 'Conv2D',
    config: { filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'linear', use_bias: withBias, ...config },
    inbound: [],
    weights,
  };
}

function node(draft: NodeDraft): GraphNode {
  return { name: 'conv', kerasClass: 'Conv2D', op: draft.op, inputs: ['x'], output: 'y', attrs: draft.attrs, weights: draft.weights };
}

describe('conv2d.fromKeras', () => {
  it('reads ints or tuples for kernel_size / strides / dilation_rate, and the padding', () => {
    const d = conv2d.fromKeras!(layer({ kernel_size: 3, strides: 2, dilation_rate: 1, padding: 'same', activation: 'relu' }), ctx) as NodeDraft;
    const a = d.attrs as unknown as Conv2DAttrs;
    expect(a).toMatchObject({ filters: 4, kernelSize: [3, 3], strides: [2, 2], dilation: [1, 1], padding: 'same' });
    expect(a.activation.kind).toBe(ActivationKind.Relu);
    expect(d.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
  });

  it('reads hard_sigmoid by the Keras version of the file', () => {
    const k2 = conv2d.fromKeras!(layer({ activation: 'hard_sigmoid' }), ctx) as NodeDraft;
    const k3 = conv2d.fromKeras!(layer({ activation: 'hard_sigmoid' }), { ...ctx, kerasMajor: 3 }) as NodeDraft;
    expect((k2.attrs as unknown as Conv2DAttrs).activation.kind).toBe(ActivationKind.HardSigmoidKeras2);
    expect((k3.attrs as unknown as Conv2DAttrs).activation.kind).toBe(ActivationKind.HardSigmoidKeras3);
  });

  it("splits activation='softmax' into conv2d + softmax on the channel axis", () => {
    const d = conv2d.fromKeras!(layer({ activation: 'softmax' }), ctx) as NodeDraft[];
    expect(d.map((x) => x.op)).toEqual(['conv2d', 'softmax']);
    expect(d[1].attrs).toEqual({ axis: -1 });
    expect((d[0].attrs as unknown as Conv2DAttrs).activation.kind).toBe(ActivationKind.Linear);
  });

  it('takes no bias when use_bias is false', () => {
    const d = conv2d.fromKeras!(layer({}, false), ctx) as NodeDraft;
    expect(d.weights.map((w) => w.name)).toEqual(['kernel']);
  });

  const rejected = [
    { config: { data_format: 'channels_first' }, message: /"conv" \(Conv2D\).*channels_first/ },
    { config: { padding: 'causal' }, message: /"conv" \(Conv2D\).*causal/ },
  ];
  it('accepts groups that divide the filters (kernel holds one group of input channels)', () => {
    const d = conv2d.fromKeras!(layer({ groups: 2 }), ctx) as NodeDraft;
    const n = node(d);
    expect((d.attrs as unknown as Conv2DAttrs).groups).toBe(2);
    expect(conv2d.inferShape(n, [[1, 5, 5, 4]])).toEqual([1, 3, 3, 4]);
    expect(() => conv2d.inferShape(n, [[1, 5, 5, 2]])).toThrow(/4 input channels, got 2/);
    expect(() => conv2d.fromKeras!(layer({ groups: 3 }), ctx)).toThrow(ModelFormatError);
  });

  for (const r of rejected) {
    it(`rejects ${JSON.stringify(r.config)} with UnsupportedLayerError naming the layer`, () => {
      expect(() => conv2d.fromKeras!(layer(r.config), ctx)).toThrow(UnsupportedLayerError);
      expect(() => conv2d.fromKeras!(layer(r.config), ctx)).toThrow(r.message);
    });
  }
});

describe('conv2d.inferShape', () => {
  const n = node(conv2d.fromKeras!(layer({ padding: 'same', strides: 2 }), ctx) as NodeDraft);
  it("'same' stride 2: ceil(size / 2)", () => {
    expect(conv2d.inferShape(n, [[2, 17, 16, 2]])).toEqual([2, 9, 8, 4]);
  });
  it('names the layer when the channel count is wrong', () => {
    expect(() => conv2d.inferShape(n, [[1, 8, 8, 3]])).toThrow(ShapeError);
    expect(() => conv2d.inferShape(n, [[1, 8, 8, 3]])).toThrow(/"conv".*2 input channels, got 3/);
  });
  it("rejects an input smaller than a 'valid' dilated kernel", () => {
    const v = node(conv2d.fromKeras!(layer({ dilation_rate: 3 }), ctx) as NodeDraft);
    expect(conv2d.inferShape(v, [[1, 7, 7, 2]])).toEqual([1, 1, 1, 4]);
    expect(() => conv2d.inferShape(v, [[1, 6, 7, 2]])).toThrow(ShapeError);
  });
});

describe('conv2d epilogue hooks', () => {
  const x = tensor(Float32Array.from({ length: 2 * 5 * 4 * 2 }, (_, i) => Math.sin(i)), [2, 5, 4, 2]);
  const scale = Float32Array.from([2, -0.5, 1, 3]);
  const shift = Float32Array.from([0.1, 0.2, -0.3, 4]);

  for (const withBias of [true, false]) {
    it(`foldScaleShift ${withBias ? 'with' : 'without'} a bias equals conv·scale + shift, leaving the original weights alone`, () => {
      const n = node(conv2d.fromKeras!(layer({ padding: 'same' }, withBias), ctx) as NodeDraft);
      const before = n.weights.map((w) => Float32Array.from(w.data));
      const folded = conv2d.foldScaleShift!(n, scale, shift)!;
      expect(folded).not.toBe(n);
      expect(folded.weights.map((w) => w.name)).toEqual(['kernel', 'bias']);
      n.weights.forEach((w, i) => expect(w.data).toEqual(before[i]));
      const run = (m: GraphNode) => executeReference(singleOpGraph({ op: 'conv2d', attrs: m.attrs, weights: m.weights, inputShapes: [[...x.shape]] }), [x]).outputs[0];
      const y = run(n);
      const yf = run(folded);
      yf.data.forEach((v, i) => expect(v).toBeCloseTo(y.data[i] * scale[i % 4] + shift[i % 4], 4));
    });
  }

  it('foldScaleShift refuses a conv whose activation is not linear', () => {
    const n = node(conv2d.fromKeras!(layer({ activation: 'relu' }), ctx) as NodeDraft);
    expect(conv2d.foldScaleShift!(n, scale, shift)).toBeUndefined();
  });

  it('fuseActivation takes an activation only when none is fused yet', () => {
    const linear = node(conv2d.fromKeras!(layer({}), ctx) as NodeDraft);
    const elu = makeActivation(ActivationKind.Elu, 0.5);
    const fused = conv2d.fuseActivation!(linear, elu)!;
    expect((fused.attrs as unknown as Conv2DAttrs).activation).toEqual(elu);
    expect((linear.attrs as unknown as Conv2DAttrs).activation.kind).toBe(ActivationKind.Linear);
    expect(conv2d.fuseActivation!(fused, makeActivation(ActivationKind.Relu))).toBeUndefined();
  });
});
