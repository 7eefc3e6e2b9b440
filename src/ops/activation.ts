/**
 * Activations as layers: Keras `Activation`, `ReLU`, `LeakyReLU` and `ELU` become one elementwise
 * node (`activation` op) running shaders/activation.wgsl with lib_activation.wgsl's `activate()`. Graph
 * passes usually fuse such a node into its producer's epilogue; this kernel runs when they cannot
 * (the producer has no epilogue, or its output has other readers).
 *
 * `Activation('softmax')` is not elementwise and becomes a `softmax` node; `Activation('linear')`
 * becomes an `identity` node, which costs nothing (the scheduler aliases its buffer).
 */
import { UnsupportedLayerError } from '../errors.ts';
import { activationConstants, makeActivation, parseActivation } from '../graph/activations.ts';
import { ActivationKind, F32_MAX, type Activation } from '../graph/ir.ts';
import type { KerasLayer } from '../formats/keras-model.ts';
import { sizeOf } from '../tensor.ts';
import { dispatch1D } from './dispatch.ts';
import { defineOp, POINTWISE, type ImportContext, type NodeDraft } from './types.ts';
import { softmaxDraft } from './util.ts';

export interface ActivationAttrs {
  activation: Activation;
}

const WG = 64;
/** Elements per invocation (the shader's PER override). */
const PER = 4;

const draftOf = (activation: Activation): NodeDraft => ({ op: 'activation', attrs: { activation } satisfies ActivationAttrs, weights: [] });

/** A finite number from a config value, or the default when absent/null. */
function numberArg(layer: KerasLayer, key: string, fallback: number | null): number | null {
  const v = layer.config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UnsupportedLayerError(layer.name, layer.className, `${key} ${JSON.stringify(v)} is not a number`);
  }
  return v;
}

/** Keras ReLU(max_value, negative_slope, threshold): the plain cases get the cheaper kinds. */
function reluLayer(layer: KerasLayer): NodeDraft {
  const maxValue = numberArg(layer, 'max_value', null);
  const slope = numberArg(layer, 'negative_slope', 0)!;
  const threshold = numberArg(layer, 'threshold', 0)!;
  if (maxValue !== null && maxValue < 0) {
    throw new UnsupportedLayerError(layer.name, layer.className, `max_value ${maxValue} must be >= 0`);
  }
  if (slope === 0 && threshold === 0 && maxValue === null) return draftOf(makeActivation(ActivationKind.Relu));
  if (slope === 0 && threshold === 0 && maxValue === 6) return draftOf(makeActivation(ActivationKind.Relu6));
  return draftOf(makeActivation(ActivationKind.ReluGeneral, slope, maxValue ?? F32_MAX, threshold));
}

/** How each Keras class this module owns becomes a node (the registry maps all of them here). */
const importers: Record<string, (layer: KerasLayer, ctx: ImportContext) => NodeDraft> = {
  Activation(layer, ctx) {
    const parsed = parseActivation(layer.config.activation, ctx.kerasMajor, layer.name, layer.className);
    if (parsed.softmax) return softmaxDraft(-1);
    if (parsed.act.kind === ActivationKind.Linear) return { op: 'identity', attrs: {}, weights: [] };
    return draftOf(parsed.act);
  },
  ReLU: reluLayer,
  // Keras 2 calls the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3 for the layer
  // (the `leaky_relu` activation *function* defaults to 0.2, see parseActivation).
  LeakyReLU: (layer) =>
    draftOf(makeActivation(ActivationKind.LeakyRelu, numberArg(layer, 'negative_slope', null) ?? numberArg(layer, 'alpha', 0.3)!)),
  ELU: (layer) => draftOf(makeActivation(ActivationKind.Elu, numberArg(layer, 'alpha', 1)!)),
};

export const activation = defineOp<ActivationAttrs>({
  op: 'activation',
  footprint: () => POINTWISE,

  fromKeras(layer, ctx) {
    const importer = importers[layer.className];
    if (!importer) throw new Error(`internal: the activation op does not import ${layer.className}`);
    return importer(layer, ctx);
  },

  inferShape(_node, [input]) {
    return [...input];
  },

  encode(node, { outputShape }) {
    const { activation: act } = node.attrs;
    const count = sizeOf(outputShape);
    return [
      {
        label: `${node.name}/activation`,
        shader: ['lib_nan.wgsl', 'lib_activation.wgsl', 'lib_elementwise_main.wgsl', 'lib_input_output.wgsl', 'activation.wgsl'],
        constants: { WG, PER, ...activationConstants(act) },
        params: { count },
        bindings: {
          input: { kind: 'tensor', name: node.inputs[0] },
          output: { kind: 'tensor', name: node.output },
        },
        dispatch: dispatch1D(Math.ceil(count / PER), WG),
        flops: count,
      },
    ];
  },
});
