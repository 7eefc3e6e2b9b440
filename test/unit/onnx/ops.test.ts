/**
 * The ONNX lowering of every registry op (src/onnx/ops), one small graph per case: Keras layers
 * imported as the readers import them (so the attributes are the real ones), exported with a
 * symbolic batch, run in ONNX Runtime (Node, WASM) on a batch of 2 and compared with our CPU
 * reference (src/reference) within the f32 tolerance. Odd sizes throughout, so TF's asymmetric
 * 'same' pads and the transposed convolutions' output rule are really exercised. The fused ops the
 * passes make are in ./fused.test.ts; the last test here asserts that the two files together run
 * every op of the registry.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { ActivationKind, F32_MAX, type Graph } from '../../../src/graph/ir.ts';
import { OPS } from '../../../src/ops/registry.ts';
import { singleOpGraph } from '../../util/graphs.ts';
import { batchOf, expectOnnxMatchesReference, kerasModel, layer } from './ort.ts';

interface Case {
  name: string;
  /** Input shape without the batch. */
  input: number[];
  layers: ReturnType<typeof layer>[];
  kerasVersion?: string;
}

const L = layer;

/** A BatchNormalization layer whose moving variance is positive (random weights are in ±0.6). */
function batchNorm(name: string, from: string, config: Record<string, unknown>, shapes: number[][]) {
  const l = L(name, 'BatchNormalization', [from], config, shapes);
  const variance = l.weights[l.weights.length - 1];
  variance.data.forEach((v, i) => (variance.data[i] = 0.2 + Math.abs(v)));
  return l;
}
const conv = (name: string, cfg: Record<string, unknown>, shapes: number[][]) => L(name, 'Conv2D', ['in'], cfg, shapes);

const cases: Case[] = [
  // conv2d
  { name: 'Conv2D 3×3 stride 2 same on odd 9×11, relu', input: [9, 11, 3], layers: [conv('c', { filters: 4, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' }, [[3, 3, 3, 4], [4]])] },
  { name: 'Conv2D (3,5) stride (2,1) valid, no bias', input: [9, 11, 3], layers: [conv('c', { filters: 5, kernel_size: [3, 5], strides: [2, 1], padding: 'valid', use_bias: false }, [[3, 5, 3, 5]])] },
  { name: 'Conv2D 4×4 stride 2 same on even 10×12 (pad 1 before, 2 after)', input: [10, 12, 2], layers: [conv('c', { filters: 3, kernel_size: 4, strides: 2, padding: 'same' }, [[4, 4, 2, 3], [3]])] },
  { name: 'Conv2D dilation 2 same, tanh', input: [9, 11, 3], layers: [conv('c', { filters: 4, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'tanh' }, [[3, 3, 3, 4], [4]])] },
  { name: 'Conv2D groups 2 (4 → 6), same', input: [7, 9, 4], layers: [conv('c', { filters: 6, kernel_size: 3, groups: 2, padding: 'same' }, [[3, 3, 2, 6], [6]])] },
  { name: 'Conv2D softmax activation (conv then a channel softmax, channels-first)', input: [5, 7, 3], layers: [conv('c', { filters: 4, kernel_size: 3, padding: 'same', activation: 'softmax' }, [[3, 3, 3, 4], [4]])] },
  // depthwise_conv2d
  { name: 'DepthwiseConv2D 3×3 stride 2 same, multiplier 2, relu6', input: [9, 11, 3], layers: [L('d', 'DepthwiseConv2D', ['in'], { kernel_size: 3, strides: 2, padding: 'same', depth_multiplier: 2, activation: 'relu6' }, [[3, 3, 3, 2], [6]])] },
  { name: 'DepthwiseConv2D (3,5) dilation 2 valid, no bias', input: [9, 13, 4], layers: [L('d', 'DepthwiseConv2D', ['in'], { kernel_size: [3, 5], dilation_rate: 2, padding: 'valid', use_bias: false }, [[3, 5, 4, 1]])] },
  { name: 'SeparableConv2D (depthwise then 1×1 conv), same, elu', input: [8, 9, 3], layers: [L('s', 'SeparableConv2D', ['in'], { filters: 5, kernel_size: 3, padding: 'same', depth_multiplier: 1, activation: 'elu' }, [[3, 3, 3, 1], [1, 1, 3, 5], [5]])] },
  // conv2d_transpose
  { name: 'Conv2DTranspose 3×3 stride 2 same', input: [5, 7, 3], layers: [L('t', 'Conv2DTranspose', ['in'], { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, [[3, 3, 4, 3], [4]])] },
  { name: 'Conv2DTranspose 2×2 stride 2 valid (U-Net up-conv), relu', input: [5, 6, 4], layers: [L('t', 'Conv2DTranspose', ['in'], { filters: 4, kernel_size: 2, strides: 2, padding: 'valid', activation: 'relu' }, [[2, 2, 4, 4], [4]])] },
  { name: 'Conv2DTranspose 3×3 stride 2 same, output_padding 0', input: [5, 7, 3], layers: [L('t', 'Conv2DTranspose', ['in'], { filters: 2, kernel_size: 3, strides: 2, padding: 'same', output_padding: 0 }, [[3, 3, 2, 3], [2]])] },
  { name: 'Conv2DTranspose 4×3 strides (3,2) valid, output_padding (2,1), no bias', input: [4, 5, 2], layers: [L('t', 'Conv2DTranspose', ['in'], { filters: 3, kernel_size: [4, 3], strides: [3, 2], padding: 'valid', output_padding: [2, 1], use_bias: false }, [[4, 3, 3, 2]])] },
  { name: 'Conv2DTranspose 1×1 stride 3 valid (kernel < stride)', input: [4, 5, 2], layers: [L('t', 'Conv2DTranspose', ['in'], { filters: 3, kernel_size: 1, strides: 3, padding: 'valid' }, [[1, 1, 3, 2], [3]])] },
  // conv3d and conv3d_transpose
  { name: 'Conv3D 3×3×3 dilation 2 same, relu', input: [5, 6, 7, 2], layers: [L('c', 'Conv3D', ['in'], { filters: 3, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'relu' }, [[3, 3, 3, 2, 3], [3]])] },
  { name: 'Conv3D (2,3,2) strides (1,2,3) valid, no bias', input: [5, 7, 8, 2], layers: [L('c', 'Conv3D', ['in'], { filters: 4, kernel_size: [2, 3, 2], strides: [1, 2, 3], padding: 'valid', use_bias: false }, [[2, 3, 2, 2, 4]])] },
  { name: 'Conv3DTranspose 3 stride 2 same, tanh', input: [3, 4, 5, 2], layers: [L('t', 'Conv3DTranspose', ['in'], { filters: 3, kernel_size: 3, strides: 2, padding: 'same', activation: 'tanh' }, [[3, 3, 3, 3, 2], [3]])] },
  { name: 'Conv3DTranspose (2,3,2) strides (2,1,3) valid, output_padding (1,0,2)', input: [3, 4, 3, 2], layers: [L('t', 'Conv3DTranspose', ['in'], { filters: 2, kernel_size: [2, 3, 2], strides: [2, 1, 3], padding: 'valid', output_padding: [1, 0, 2] }, [[2, 3, 2, 2, 2], [2]])] },
  // pooling
  { name: 'MaxPooling2D 3 stride 2 same on 9×11', input: [9, 11, 3], layers: [L('p', 'MaxPooling2D', ['in'], { pool_size: 3, strides: 2, padding: 'same' })] },
  { name: 'AveragePooling2D 3 stride 1 same (TF excludes the padding)', input: [7, 8, 3], layers: [L('p', 'AveragePooling2D', ['in'], { pool_size: 3, strides: 1, padding: 'same' })] },
  { name: 'AveragePooling2D (2,3) strides (1,2) valid', input: [7, 9, 2], layers: [L('p', 'AveragePooling2D', ['in'], { pool_size: [2, 3], strides: [1, 2], padding: 'valid' })] },
  { name: 'MaxPooling3D 2 same on odd 5×5×3', input: [5, 5, 3, 2], layers: [L('p', 'MaxPooling3D', ['in'], { pool_size: 2, padding: 'same' })] },
  { name: 'AveragePooling3D (3,2,2) strides (2,1,2) same', input: [5, 6, 7, 2], layers: [L('p', 'AveragePooling3D', ['in'], { pool_size: [3, 2, 2], strides: [2, 1, 2], padding: 'same' })] },
  { name: 'GlobalAveragePooling2D', input: [5, 7, 3], layers: [L('g', 'GlobalAveragePooling2D', ['in'])] },
  { name: 'GlobalMaxPooling2D keepdims', input: [5, 7, 3], layers: [L('g', 'GlobalMaxPooling2D', ['in'], { keepdims: true })] },
  { name: 'GlobalAveragePooling3D', input: [3, 4, 5, 2], layers: [L('g', 'GlobalAveragePooling3D', ['in'])] },
  // dense, flatten, reshape, permute
  { name: 'Flatten → Dense (Keras element order), sigmoid', input: [3, 4, 5], layers: [L('f', 'Flatten', ['in']), L('d', 'Dense', ['f'], { units: 3, activation: 'sigmoid' }, [[60, 3], [3]])] },
  { name: 'Dense on a rank-4 tensor (last axis), no bias, swish', input: [3, 4, 5], layers: [L('d', 'Dense', ['in'], { units: 6, use_bias: false, activation: 'swish' }, [[5, 6]])] },
  { name: 'Conv2D → Reshape (-1, C) (channels-first back to Keras order)', input: [5, 6, 3], layers: [conv('c', { filters: 4, kernel_size: 3, padding: 'same' }, [[3, 3, 3, 4], [4]]), L('r', 'Reshape', ['c'], { target_shape: [-1, 4] })] },
  { name: 'Reshape to (6, 5, 2) (row-major reinterpretation)', input: [5, 3, 4], layers: [L('r', 'Reshape', ['in'], { target_shape: [6, 5, 2] })] },
  { name: 'Permute (2, 1, 3) after a conv', input: [5, 6, 3], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]), L('p', 'Permute', ['c'], { dims: [2, 1, 3] })] },
  { name: 'Permute (3, 1, 2)', input: [4, 5, 3], layers: [L('p', 'Permute', ['in'], { dims: [3, 1, 2] })] },
  // normalisations and scalings
  { name: 'BatchNormalization on the input (not foldable), relu after', input: [5, 6, 3], layers: [batchNorm('b', 'in', { epsilon: 1e-3 }, [[3], [3], [3], [3]]), L('a', 'Activation', ['b'], { activation: 'relu' })] },
  { name: 'BatchNormalization scale=False center=False on a vector', input: [6], layers: [batchNorm('b', 'in', { epsilon: 1e-3, scale: false, center: false }, [[6], [6]])] },
  { name: 'Rescaling 1/255 offset −0.5', input: [4, 5, 3], layers: [L('r', 'Rescaling', ['in'], { scale: 1 / 255, offset: -0.5 })] },
  { name: 'Rescaling per channel after a conv (channels-first constants)', input: [4, 5, 3], layers: [conv('c', { filters: 3, kernel_size: 1 }, [[1, 1, 3, 3], [3]]), L('r', 'Rescaling', ['c'], { scale: [0.5, 2, -1], offset: [0.1, 0, -0.2] })] },
  { name: 'Normalization per channel', input: [4, 5, 3], layers: [L('n', 'Normalization', ['in'], { axis: -1, mean: [0.1, -0.2, 0.3], variance: [0.5, 2, 1e-16] })] },
  { name: 'Normalization axis=None, invert, after a conv', input: [4, 5, 3], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]), L('n', 'Normalization', ['c'], { axis: null, mean: 0.25, variance: 4, invert: true })] },
  { name: 'LayerNormalization', input: [4, 5, 6], layers: [L('l', 'LayerNormalization', ['in'], { axis: -1, epsilon: 1e-3 }, [[6], [6]])] },
  { name: 'LayerNormalization center=False after a conv', input: [4, 5, 3], layers: [conv('c', { filters: 4, kernel_size: 1 }, [[1, 1, 3, 4], [4]]), L('l', 'LayerNormalization', ['c'], { axis: -1, epsilon: 1e-3, center: false }, [[4]])] },
  { name: 'LayerNormalization rms_scaling', input: [4, 5, 6], layers: [L('l', 'LayerNormalization', ['in'], { axis: -1, epsilon: 1e-3, rms_scaling: true }, [[6]])] },
  { name: 'PReLU shared_axes (1, 2)', input: [4, 5, 3], layers: [L('p', 'PReLU', ['in'], { shared_axes: [1, 2] }, [[1, 1, 3]])] },
  { name: 'PReLU one alpha per element, after a conv', input: [4, 5, 3], layers: [conv('c', { filters: 3, kernel_size: 1 }, [[1, 1, 3, 3], [3]]), L('p', 'PReLU', ['c'], {}, [[4, 5, 3]])] },
  // softmax, concatenate, merges
  { name: 'Softmax axis −1 on a vector', input: [7], layers: [L('s', 'Softmax', ['in'], { axis: -1 })] },
  { name: 'Softmax axis 1 (rows) of an image', input: [4, 5, 3], layers: [L('s', 'Softmax', ['in'], { axis: 1 })] },
  {
    name: 'Concatenate on channels, axis 1 and axis 2 of two convs',
    input: [5, 6, 3],
    layers: [
      conv('a', { filters: 2, kernel_size: 3, padding: 'same' }, [[3, 3, 3, 2], [2]]),
      conv('b', { filters: 3, kernel_size: 1 }, [[1, 1, 3, 3], [3]]),
      L('k1', 'Concatenate', ['a', 'b'], { axis: -1 }),
      L('k2', 'Concatenate', ['k1', 'k1'], { axis: 1 }),
      L('k3', 'Concatenate', ['k2', 'k2'], { axis: 2 }),
    ],
  },
  {
    name: 'Add, Subtract, Multiply, Average (3), Maximum, Minimum (3)',
    input: [4, 5, 3],
    layers: [
      conv('a', { filters: 3, kernel_size: 3, padding: 'same' }, [[3, 3, 3, 3], [3]]),
      L('s1', 'Add', ['a', 'in']),
      L('s2', 'Subtract', ['s1', 'a']),
      L('s3', 'Multiply', ['s2', 'in']),
      L('s4', 'Average', ['s3', 'a', 'in']),
      L('s5', 'Maximum', ['s4', 'in']),
      L('s6', 'Minimum', ['s5', 'a', 's1']),
    ],
  },
  {
    name: 'Multiply broadcasting [N,1,1,C] (squeeze-and-excitation) and a rank-2 operand',
    input: [4, 5, 3],
    layers: [
      L('g', 'GlobalAveragePooling2D', ['in'], { keepdims: true }),
      L('m', 'Multiply', ['in', 'g']),
      L('v', 'GlobalMaxPooling2D', ['in']),
      L('s', 'Add', ['m', 'v']),
    ],
  },
  // padding, cropping, resizing
  { name: 'ZeroPadding2D ((1,2),(0,3))', input: [4, 5, 3], layers: [L('z', 'ZeroPadding2D', ['in'], { padding: [[1, 2], [0, 3]] })] },
  { name: 'Cropping2D ((1,0),(2,1)) after a conv', input: [6, 7, 3], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]), L('z', 'Cropping2D', ['c'], { cropping: [[1, 0], [2, 1]] })] },
  { name: 'UpSampling2D nearest (2,3)', input: [3, 4, 2], layers: [L('u', 'UpSampling2D', ['in'], { size: [2, 3] })] },
  { name: 'UpSampling2D bilinear 2 after a conv', input: [3, 5, 2], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 2, 2], [2]]), L('u', 'UpSampling2D', ['c'], { size: 2, interpolation: 'bilinear' })] },
  { name: 'Resizing bilinear 7×5 → 4×9 (down and up)', input: [7, 5, 3], layers: [L('r', 'Resizing', ['in'], { height: 4, width: 9, interpolation: 'bilinear' })] },
  {
    name: 'Permute (3,1,2) → Resizing bilinear down, then Flatten (a layout ORT\'s transpose optimizer once broke)',
    input: [9, 7, 5],
    layers: [L('p', 'Permute', ['in'], { dims: [3, 1, 2] }), L('r', 'Resizing', ['p'], { height: 4, width: 3, interpolation: 'bilinear' }), L('f', 'Flatten', ['r'])],
  },
  {
    name: 'conv → Permute (2,1,3) → Resizing bilinear up → conv',
    input: [5, 6, 3],
    layers: [
      conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]),
      L('p', 'Permute', ['c'], { dims: [2, 1, 3] }),
      L('r', 'Resizing', ['p'], { height: 9, width: 7, interpolation: 'bilinear' }),
      L('c2', 'Conv2D', ['r'], { filters: 2, kernel_size: 3, padding: 'same' }, [[3, 3, 2, 2], [2]]),
    ],
  },
  { name: 'Resizing nearest 5×6 → 8×4', input: [5, 6, 2], layers: [L('r', 'Resizing', ['in'], { height: 8, width: 4, interpolation: 'nearest' })] },
  { name: 'ZeroPadding3D ((1,2),(0,1),(2,0))', input: [3, 4, 5, 2], layers: [L('z', 'ZeroPadding3D', ['in'], { padding: [[1, 2], [0, 1], [2, 0]] })] },
  { name: 'Cropping3D ((1,0),(0,2),(1,1)) after a conv', input: [4, 5, 6, 2], layers: [L('c', 'Conv3D', ['in'], { filters: 2, kernel_size: 1 }, [[1, 1, 1, 2, 2], [2]]), L('z', 'Cropping3D', ['c'], { cropping: [[1, 0], [0, 2], [1, 1]] })] },
  { name: 'UpSampling3D (1,2,3)', input: [2, 3, 4, 2], layers: [L('u', 'UpSampling3D', ['in'], { size: [1, 2, 3] })] },
  // identity
  { name: 'Dropout (identity) between convs', input: [4, 5, 3], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]), L('d', 'Dropout', ['c'], { rate: 0.5 })] },
];

/** Every activation the IR has, as Activation layers and Keras' ReLU / LeakyReLU / ELU layers. */
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'gelu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'softsign', 'swish', 'leaky_relu', 'exponential', 'hard_silu', 'mish'];
const activationCases: Case[] = [
  ...ACTIVATIONS.map((a) => ({ name: `Activation ${a}`, input: [4, 5, 3], layers: [L('a', 'Activation', ['in'], { activation: a })] })),
  { name: 'Activation hard_sigmoid, Keras 2 formula', input: [4, 5, 3], layers: [L('a', 'Activation', ['in'], { activation: 'hard_sigmoid' })], kerasVersion: '2.15.0' },
  { name: 'ReLU max_value 2.5, negative_slope 0.2, threshold 0.3', input: [4, 5, 3], layers: [L('a', 'ReLU', ['in'], { max_value: 2.5, negative_slope: 0.2, threshold: 0.3 })] },
  { name: 'ReLU threshold 0.5', input: [4, 5, 3], layers: [L('a', 'ReLU', ['in'], { threshold: 0.5 })] },
  { name: 'ReLU max_value 6 after a conv', input: [4, 5, 3], layers: [conv('c', { filters: 2, kernel_size: 1 }, [[1, 1, 3, 2], [2]]), L('a', 'ReLU', ['c'], { max_value: 6 })] },
  { name: 'ReLU negative_slope 0.1', input: [4, 5, 3], layers: [L('a', 'ReLU', ['in'], { negative_slope: 0.1 })] },
  { name: 'LeakyReLU 0.3', input: [4, 5, 3], layers: [L('a', 'LeakyReLU', ['in'], { negative_slope: 0.3 })] },
  { name: 'ELU alpha 0.5', input: [4, 5, 3], layers: [L('a', 'ELU', ['in'], { alpha: 0.5 })] },
];

/** Ops only the graph passes make: covered by ./fused.test.ts, which asserts it. */
const FUSED_ONLY = ['conv2d_pool'];
const ran = new Set<string>();
/** Worst |ORT − reference| of each case, printed at the end (each case is checked against F32 as it runs). */
const errors: [string, { maxAbs: number; maxRel: number; scale: number }][] = [];

/** Graph of a case, inputs scaled so activations see both signs and saturate (about ±5). */
function run(c: Case, i: number): Promise<unknown> {
  const graph = buildGraph(kerasModel(c.input, c.layers, undefined, c.kerasVersion));
  for (const n of graph.nodes) ran.add(n.op);
  return expectOnnxMatchesReference(graph, [batchOf(c.input, 100 + i, -5, 5)], undefined, undefined, c.name).then((e) => {
    errors.push([c.name, e]);
    return e;
  });
}

describe('ONNX export per op vs CPU reference (ORT, WASM, batch 2 on a symbolic batch)', () => {
  // Each case asserts F32 closeness (atol 1e-5 + rtol 1e-4) element by element inside run().
  cases.forEach((c, i) => it(c.name, () => run(c, i)));
  activationCases.forEach((c, i) => it(c.name, () => run(c, 500 + i)));

  it('GELU tanh form and a general ReLU with slope 0 below a threshold (attributes no Keras import makes)', async () => {
    const acts = [
      { kind: ActivationKind.GeluTanh, alpha: 0, beta: 0, gamma: 0 },
      { kind: ActivationKind.ReluGeneral, alpha: 0, beta: F32_MAX, gamma: 0.5 },
      { kind: ActivationKind.ReluGeneral, alpha: 0, beta: 2, gamma: 0 },
      { kind: ActivationKind.ReluGeneral, alpha: 0.3, beta: F32_MAX, gamma: 0 },
    ];
    for (const [k, activation] of acts.entries()) {
      const graph: Graph = singleOpGraph({ op: 'activation', attrs: { activation }, inputShapes: [[2, 4, 5, 3]] });
      await expectOnnxMatchesReference(graph, [batchOf([4, 5, 3], 900 + k, -5, 5)]);
    }
  });
});

describe('op coverage', () => {
  it('every registry op but the fused-only ones ran above (tests run in file order)', () => {
    expect(Object.keys(OPS).filter((op) => !ran.has(op) && !FUSED_ONLY.includes(op))).toEqual([]);
    // Relative to each case's largest output (Normalization's ε floor makes outputs of 5e7 there).
    const [name, e] = errors.reduce((a, b) => (b[1].maxAbs / b[1].scale > a[1].maxAbs / a[1].scale ? b : a));
    const plain = errors.filter(([, x]) => x.scale <= 10).reduce((a, b) => (b[1].maxAbs > a[1].maxAbs ? b : a));
    console.log(
      `ONNX per-op export: ${errors.length} cases; worst |error| / max |output| ${(e.maxAbs / e.scale).toExponential(2)} (${name}); ` +
        `worst |error| where outputs are within ±10: ${plain[1].maxAbs.toExponential(2)} (${plain[0]})`,
    );
  });
});
