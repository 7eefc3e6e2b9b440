/**
 * Window and count attributes are checked where Keras layers become nodes (one rule, tupleOf and
 * countOf in src/ops/util.ts, used by every op): a zero stride, pool size, kernel size, dilation or
 * upsampling factor, and zero filters/units, are ModelFormatErrors that name the layer and the
 * attribute, instead of an output of Infinity cells reported layers later ("expects 6272 input
 * features, got Infinity"). A zero or negative declared input size is refused by the config reader.
 */
import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../../src/errors.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';

interface Layer {
  class_name: string;
  config: Record<string, unknown>;
  /** Weight shapes, in Keras order, named `<layer>/<name>`. */
  weights?: [string, number[]][];
}

/** A Sequential on a [null, 8, 8, 2] input as a { modelJson, weights } bundle, weights all 0.1. */
function bundle(layers: Layer[], inputShape: (number | null)[] = [null, 8, 8, 2]) {
  const specs = layers.flatMap((l) => (l.weights ?? []).map(([n, shape]) => ({ name: `${l.config.name}/${n}`, shape, dtype: 'float32' })));
  const floats = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  const modelJson = {
    format: 'layers-model',
    modelTopology: {
      keras_version: '2.15.0',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            { class_name: 'InputLayer', config: { name: 'x', dtype: 'float32', batch_input_shape: inputShape } },
            ...layers.map(({ class_name, config }) => ({ class_name, config: { data_format: 'channels_last', ...config } })),
          ],
        },
      },
    },
    weightsManifest: [{ paths: ['w.bin'], weights: specs }],
  };
  return { modelJson, weights: [new Float32Array(floats).fill(0.1).buffer] };
}

async function importError(layers: Layer[], inputShape?: (number | null)[]): Promise<Error> {
  try {
    buildGraph(await readKerasModel(bundle(layers, inputShape)));
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the import to fail');
}

const conv = (config: Record<string, unknown>, kernel = [3, 3, 2, 4]): Layer => ({
  class_name: 'Conv2D',
  config: { name: 'conv_a', filters: kernel[3], kernel_size: [kernel[0], kernel[1]], padding: 'valid', ...config },
  weights: [['kernel', kernel], ['bias', [kernel[3]]]],
});

describe('zero and negative attributes name the layer and the attribute', () => {
  it.each([
    ['Conv2D strides 0', [conv({ strides: [0, 1] })], /^Layer "conv_a" \(Conv2D\): strides \[0,1\] is invalid: it must be 2 whole numbers ≥ 1$/],
    ['Conv2D dilation_rate 0', [conv({ dilation_rate: 0 })], /^Layer "conv_a" \(Conv2D\): dilation_rate 0 is invalid/],
    ['Conv2D kernel_size 0', [conv({ kernel_size: [0, 3] })], /^Layer "conv_a" \(Conv2D\): kernel_size \[0,3\] is invalid/],
    ['Conv2D filters 0', [conv({}, [3, 3, 2, 0])], /^Layer "conv_a" \(Conv2D\): filters 0 is invalid: it must be a whole number ≥ 1$/],
    ['Conv2D strides -2', [conv({ strides: -2 })], /^Layer "conv_a" \(Conv2D\): strides -2 is invalid/],
    ['MaxPooling2D pool_size 0', [{ class_name: 'MaxPooling2D', config: { name: 'pool_b', pool_size: 0 } }], /^Layer "pool_b" \(MaxPooling2D\): pool_size 0 is invalid/],
    ['AveragePooling2D strides 0', [{ class_name: 'AveragePooling2D', config: { name: 'pool_c', pool_size: 2, strides: [2, 0] } }], /^Layer "pool_c" \(AveragePooling2D\): strides \[2,0\] is invalid/],
    ['DepthwiseConv2D strides 0', [{ class_name: 'DepthwiseConv2D', config: { name: 'dw', kernel_size: 3, strides: 0, depth_multiplier: 1, use_bias: false }, weights: [['depthwise_kernel', [3, 3, 2, 1]]] }], /^Layer "dw" \(DepthwiseConv2D\): strides 0 is invalid/],
    ['DepthwiseConv2D depth_multiplier 0', [{ class_name: 'DepthwiseConv2D', config: { name: 'dw', kernel_size: 3, depth_multiplier: 0, use_bias: false }, weights: [['depthwise_kernel', [3, 3, 2, 1]]] }], /^Layer "dw" \(DepthwiseConv2D\): depth_multiplier 0 is invalid/],
    ['Conv2DTranspose strides 0', [{ class_name: 'Conv2DTranspose', config: { name: 'up_t', filters: 4, kernel_size: 2, strides: 0 }, weights: [['kernel', [2, 2, 4, 2]], ['bias', [4]]] }], /^Layer "up_t" \(Conv2DTranspose\): strides 0 is invalid/],
    ['UpSampling2D size 0', [{ class_name: 'UpSampling2D', config: { name: 'ups', size: [0, 2] } }], /^Layer "ups" \(UpSampling2D\)/],
    ['Dense units 0', [{ class_name: 'Flatten', config: { name: 'f' } }, { class_name: 'Dense', config: { name: 'dense_z', units: 0 }, weights: [['kernel', [128, 0]], ['bias', [0]]] }], /^Layer "dense_z" \(Dense\): units 0 is invalid/],
  ] as [string, Layer[], RegExp][])('%s', async (_, layers, message) => {
    const err = await importError(layers);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.message).toMatch(message);
  });

  it('output_padding 0 is a valid amount (the one attribute where 0 is)', async () => {
    const layer: Layer = { class_name: 'Conv2DTranspose', config: { name: 'up_t', filters: 4, kernel_size: 2, strides: 2, output_padding: 0 }, weights: [['kernel', [2, 2, 4, 2]], ['bias', [4]]] };
    expect(buildGraph(await readKerasModel(bundle([layer]))).nodes.map((n) => n.name)).toEqual(['up_t']);
  });

  it.each([
    [[null, -5, 8, 2], /^Input layer "x" declares the shape \[null,-5,8,2\]: sizes must be whole numbers ≥ 1 or null, not -5$/],
    [[null, 8, 0, 2], /not 0$/],
    [[null, 8, 8.5, 2], /not 8\.5$/],
  ])('declared input shape %j', async (shape, message) => {
    const err = await importError([{ class_name: 'Flatten', config: { name: 'f' } }], shape);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect(err.message).toMatch(message);
  });
});
