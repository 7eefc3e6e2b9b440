/**
 * d act(x) / dx for every elementwise activation of the IR (src/graph/ir.ts), in float64, for
 * Grad-CAM's backward pass. Written from the definitions, not from the CPU reference (the reference
 * judges the product and is imported by nothing in it); the unit tests check each against central
 * differences of the reference's forward.
 */
import { ActivationKind, F32_MAX, type Activation } from '../graph/ir.ts';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = 0.7978845608028654;

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): ample for a gradient that weighs channels. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export function activationDerivative(act: Activation, x: number): number {
  switch (act.kind) {
    case ActivationKind.Linear:
      return 1;
    case ActivationKind.Relu:
      return x > 0 ? 1 : 0;
    case ActivationKind.Relu6:
      return x > 0 && x < 6 ? 1 : 0;
    case ActivationKind.Elu:
      return x > 0 ? 1 : act.alpha * Math.exp(x);
    case ActivationKind.Selu:
      return SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
    case ActivationKind.Gelu:
      // 0.5·x·(1 + erf(x/√2)) → 0.5·(1 + erf(x/√2)) + x·φ(x)
      return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case ActivationKind.GeluTanh: {
      const t = Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    }
    case ActivationKind.Sigmoid: {
      const s = sigmoid(x);
      return s * (1 - s);
    }
    case ActivationKind.HardSigmoidKeras2:
      return x > -2.5 && x < 2.5 ? 0.2 : 0;
    case ActivationKind.HardSigmoidKeras3:
      return x > -3 && x < 3 ? 1 / 6 : 0;
    case ActivationKind.Tanh: {
      const t = Math.tanh(x);
      return 1 - t * t;
    }
    case ActivationKind.Softplus:
      return sigmoid(x);
    case ActivationKind.Softsign:
      return 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
    case ActivationKind.Swish: {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    }
    case ActivationKind.LeakyRelu:
      return x >= 0 ? 1 : act.alpha;
    case ActivationKind.Exponential:
      return Math.exp(x);
    case ActivationKind.HardSwish:
      // x·relu6(x + 3)/6
      return x <= -3 ? 0 : x >= 3 ? 1 : (2 * x + 3) / 6;
    case ActivationKind.Mish: {
      const t = Math.tanh(softplus(x));
      return t + x * (1 - t * t) * sigmoid(x);
    }
    case ActivationKind.ReluGeneral:
      if (x >= act.beta) return act.beta === F32_MAX ? 1 : 0; // F32_MAX: no max_value
      return x >= act.gamma ? 1 : act.alpha;
  }
}
