/**
 * Keras activation names → the engine's Activation. Softmax is not elementwise, so it is
 * reported separately: the layer's op module then emits a softmax node after itself.
 */
import { UnsupportedLayerError } from '../errors.ts';
import { ActivationKind, LINEAR, type Activation } from './ir.ts';

export type ParsedActivation = { softmax: false; act: Activation } | { softmax: true; act: Activation };

const simple: Record<string, ActivationKind> = {
  linear: ActivationKind.Linear,
  relu: ActivationKind.Relu,
  relu6: ActivationKind.Relu6,
  selu: ActivationKind.Selu,
  sigmoid: ActivationKind.Sigmoid,
  tanh: ActivationKind.Tanh,
  softplus: ActivationKind.Softplus,
  softsign: ActivationKind.Softsign,
  swish: ActivationKind.Swish,
  silu: ActivationKind.Swish,
  exponential: ActivationKind.Exponential,
  hard_silu: ActivationKind.HardSwish,
  hard_swish: ActivationKind.HardSwish,
  mish: ActivationKind.Mish,
};

export function makeActivation(kind: ActivationKind, alpha = 0, beta = 0, gamma = 0): Activation {
  return { kind, alpha, beta, gamma };
}

/**
 * Parses a Keras `activation` config value (a name, or Keras 3's serialized dict) for the layer
 * named `layerName`. `kerasMajor` picks hard_sigmoid's formula, which changed between Keras 2 and 3.
 */
export function parseActivation(
  value: unknown,
  kerasMajor: 2 | 3,
  layerName: string,
  layerClass: string,
): ParsedActivation {
  let name: unknown = value ?? 'linear';
  if (typeof name === 'object' && name !== null) {
    const dict = name as { class_name?: string; config?: unknown };
    name = typeof dict.config === 'string' ? dict.config : (dict.config as { name?: string })?.name ?? dict.class_name;
  }
  if (typeof name !== 'string') {
    throw new UnsupportedLayerError(layerName, layerClass, `activation ${JSON.stringify(value)} is not understood`);
  }
  const n = name.toLowerCase();
  if (n === 'softmax') return { softmax: true, act: LINEAR };
  if (Object.hasOwn(simple, n)) return { softmax: false, act: makeActivation(simple[n]) };
  if (n === 'elu') return { softmax: false, act: makeActivation(ActivationKind.Elu, 1) };
  if (n === 'gelu') return { softmax: false, act: makeActivation(ActivationKind.Gelu) };
  if (n === 'leaky_relu') return { softmax: false, act: makeActivation(ActivationKind.LeakyRelu, 0.2) };
  if (n === 'hard_sigmoid') {
    return {
      softmax: false,
      act: makeActivation(kerasMajor === 3 ? ActivationKind.HardSigmoidKeras3 : ActivationKind.HardSigmoidKeras2),
    };
  }
  throw new UnsupportedLayerError(layerName, layerClass, `activation "${name}" is not supported`);
}

/** Pipeline override constants for a fused activation (see shaders/lib_activation.wgsl). */
export function activationConstants(act: Activation): Record<string, number> {
  return { ACT: act.kind, ACT_ALPHA: act.alpha, ACT_BETA: act.beta, ACT_GAMMA: act.gamma };
}
