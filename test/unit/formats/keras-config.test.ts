/** The shared config normaliser and the nested-model flattener, on hand-written configs. */
import { describe, expect, it } from 'vitest';
import { normaliseLayerConfig, parseModelConfig, unwrapTopology, versionFromDialect } from '../../../src/formats/keras-config.ts';
import { flattenModel } from '../../../src/formats/flatten.ts';
import { snakeCase } from '../../../src/formats/keras-weights.ts';

const ref = (layer: string, nodeIndex = 0, tensorIndex = 0) => ({ layer, nodeIndex, tensorIndex });
const k3t = (layer: string, node = 0, tensor = 0) => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 4], dtype: 'float32', keras_history: [layer, node, tensor] },
});
const input = (name: string, shape: (number | null)[], k3 = false) => ({
  class_name: 'InputLayer',
  name,
  config: k3 ? { batch_shape: shape, name } : { batch_input_shape: shape, name },
  inbound_nodes: [],
});
const model = (doc: unknown) => {
  const top = unwrapTopology(doc, 'test');
  return flattenModel(parseModelConfig(top.className, top.config, 'test'), '', 'test');
};

describe('snakeCase (Keras naming.to_snake_case, checked against Python)', () => {
  it.each([
    ['Conv2D', 'conv2d'],
    ['GlobalAveragePooling2D', 'global_average_pooling2d'],
    ['ReLU', 're_lu'],
    ['PReLU', 'p_re_lu'],
    ['LeakyReLU', 'leaky_re_lu'],
    ['InputLayer', 'input_layer'],
    ['DepthwiseConv2D', 'depthwise_conv2d'],
    ['Conv2DTranspose', 'conv2d_transpose'],
    ['UpSampling2D', 'up_sampling2d'],
    ['ELU', 'elu'],
    ['TFOpLambda', 'tf_op_lambda'],
    ['MultiHeadAttention', 'multi_head_attention'],
  ])('%s → %s', (cls, snake) => expect(snakeCase(cls)).toBe(snake));
});

describe('unwrapTopology', () => {
  const cfg = { class_name: 'Sequential', config: { name: 's', layers: [] } };
  it('accepts the wrappings seen in the wild', () => {
    expect(unwrapTopology(cfg, 't').className).toBe('Sequential');
    expect(unwrapTopology(JSON.stringify(cfg), 't').className).toBe('Sequential');
    const tfjs = unwrapTopology({ keras_version: '2.7.0', backend: 'tensorflow', model_config: cfg }, 't');
    expect(tfjs).toMatchObject({ className: 'Sequential', kerasVersion: '2.7.0' });
    expect(unwrapTopology({ model_config: JSON.stringify(cfg) }, 't').className).toBe('Sequential');
  });
  it('refuses what is not a model config', () => {
    expect(() => unwrapTopology({ layers: [] }, 't')).toThrow(/not a Keras model config/);
    expect(() => unwrapTopology('{nope', 't')).toThrow(/not valid JSON/);
  });
});

describe('versionFromDialect', () => {
  it('says "3" for a Keras 3 config and "" for a Keras 2 one', () => {
    const k3 = { class_name: 'Sequential', config: { layers: [input('i', [null, 1], true)] } };
    const k2 = { class_name: 'Sequential', config: { layers: [input('i', [null, 1])] } };
    expect(versionFromDialect(unwrapTopology(k3, 't'))).toBe('3');
    expect(versionFromDialect(unwrapTopology(k2, 't'))).toBe('');
  });
});

describe('normaliseLayerConfig', () => {
  it('rewrites Keras 3 spellings and keeps everything else', () => {
    const c = normaliseLayerConfig({
      name: 'c',
      batch_shape: [null, 3],
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'mixed_float16' }, registered_name: null },
      activation: { module: 'keras.activations', class_name: 'function', config: 'gelu', registered_name: 'function' },
      filters: 4,
    });
    expect(c).toMatchObject({ batch_input_shape: [null, 3], dtype: 'mixed_float16', activation: 'gelu', filters: 4 });
  });
});

describe('parseModelConfig', () => {
  it('Keras 2 inbound nodes, with and without kwargs; list-of-lists input_layers', () => {
    const km = model({
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          input('a', [null, 4]),
          input('b', [null, 4]),
          { class_name: 'Add', name: 'add', config: { name: 'add' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0]]] },
        ],
        input_layers: [['a', 0, 0], ['b', 0, 0]],
        output_layers: [['add', 0, 0]],
      },
    });
    expect(km.layers[2].inbound).toEqual([[ref('a'), ref('b')]]);
    expect(km.inputShapes).toEqual([[null, 4], [null, 4]]);
  });

  it('Keras 3 inbound nodes: merge args are a list, constants are skipped; single input_layers', () => {
    const km = model({
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [
          input('a', [null, 4], true),
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 4 }, inbound_nodes: [{ args: [k3t('a')], kwargs: {} }] },
          { class_name: 'Concatenate', name: 'cat', config: { name: 'cat', axis: -1 }, inbound_nodes: [{ args: [[k3t('a'), k3t('d'), 3.5]], kwargs: { axis: -1 } }] },
        ],
        input_layers: ['a', 0, 0],
        output_layers: ['cat', 0, 0],
      },
    });
    expect(km.layers.map((l) => l.inbound)).toEqual([[], [[ref('a')]], [[ref('a'), ref('d')]]]);
    expect(km.inputs).toEqual([ref('a')]);
    expect(km.inputShapes).toEqual([[null, 4]]);
  });

  it('Sequential without InputLayer: synthesised input from the first layer, Keras 2 naming', () => {
    const km = model({
      class_name: 'Sequential',
      config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd1', units: 3, batch_input_shape: [null, 5] } }, { class_name: 'Dense', config: { name: 'd2', units: 1 } }] },
    });
    expect(km.layers.map((l) => [l.name, l.className])).toEqual([['d1_input', 'InputLayer'], ['d1', 'Dense'], ['d2', 'Dense']]);
    expect(km.layers[2].inbound).toEqual([[ref('d1')]]);
    expect(km.inputShapes).toEqual([[null, 5]]);
  });

  it('Keras ≤ 2.2 Sequential config as a bare list of layers', () => {
    const km = model({ class_name: 'Sequential', config: [{ class_name: 'Dense', config: { name: 'd', units: 1, batch_input_shape: [null, 2] } }] });
    expect(km.layers.map((l) => l.name)).toEqual(['d_input', 'd']);
  });

  it('duplicate layer names are refused', () => {
    expect(() => model({ class_name: 'Sequential', config: { layers: [input('x', [null, 1]), { class_name: 'Dense', config: { name: 'x', units: 1 } }] } })).toThrow(/two layers are named "x"/);
  });
});

describe('flattening nested models', () => {
  /** A Functional "enc" (Dense "shared_d"), called on two inputs: a siamese network. */
  const encoder = {
    class_name: 'Functional',
    name: 'enc',
    config: {
      name: 'enc',
      layers: [input('enc_in', [null, 4]), { class_name: 'Dense', name: 'e_d', config: { name: 'e_d', units: 2 }, inbound_nodes: [[['enc_in', 0, 0, {}]]] }],
      input_layers: [['enc_in', 0, 0]],
      output_layers: [['e_d', 0, 0]],
    },
  };

  it('a nested model called twice becomes shared inner layers with one node per call', () => {
    const km = model({
      class_name: 'Functional',
      config: {
        name: 'siamese',
        layers: [
          input('x1', [null, 4]),
          input('x2', [null, 4]),
          { ...encoder, inbound_nodes: [[['x1', 0, 0, {}]], [['x2', 0, 0, {}]]] },
          { class_name: 'Subtract', name: 'sub', config: { name: 'sub' }, inbound_nodes: [[['enc', 0, 0, {}], ['enc', 1, 0, {}]]] },
        ],
        input_layers: [['x1', 0, 0], ['x2', 0, 0]],
        output_layers: [['sub', 0, 0]],
      },
    });
    expect(km.layers.map((l) => l.name)).toEqual(['x1', 'x2', 'e_d', 'sub']);
    expect(km.layers[2].inbound).toEqual([[ref('x1')], [ref('x2')]]);
    expect(km.layers[3].inbound).toEqual([[ref('e_d', 0), ref('e_d', 1)]]);
  });

  it('inner names that clash with outer names are prefixed with the inner model name', () => {
    const clash = JSON.parse(JSON.stringify(encoder).replaceAll('"e_d"', '"d"'));
    const km = model({
      class_name: 'Functional',
      config: {
        name: 'outer',
        layers: [
          input('x', [null, 4]),
          { ...clash, inbound_nodes: [[['x', 0, 0, {}]]] },
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 1 }, inbound_nodes: [[['enc', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    });
    expect(km.layers.map((l) => l.name)).toEqual(['x', 'enc/d', 'd']);
    expect(km.layers[2].inbound).toEqual([[ref('enc/d')]]);
  });

  it('a Keras 2 nested Sequential (no InputLayer) inside a Functional', () => {
    const km = model({
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          input('x', [null, 3]),
          {
            class_name: 'Sequential',
            name: 'head',
            config: { name: 'head', layers: [{ class_name: 'Dense', config: { name: 'h1', units: 2, batch_input_shape: [null, 3] } }, { class_name: 'Dense', config: { name: 'h2', units: 1 } }] },
            inbound_nodes: [[['x', 0, 0, {}]]],
          },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['head', 0, 0]],
      },
    });
    expect(km.layers.map((l) => l.name)).toEqual(['x', 'h1', 'h2']);
    expect(km.layers[1].inbound).toEqual([[ref('x')]]);
    expect(km.outputs).toEqual([ref('h2')]);
  });
});
