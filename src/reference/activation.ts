/** CPU reference of the elementwise activations (mirrors shaders/lib_activation.wgsl). */
import { ActivationKind, F32_MAX, type Activation } from '../graph/ir.ts';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** erf to double precision (Abramowitz & Stegun 7.1.26 is too coarse for a reference; use series/continued fraction). */
export function erf(x: number): number {
  // W. J. Cody's rational approximations are overkill here; a 1e-15 accurate series + asymptotic is enough.
  const sign = x < 0 ? -1 : 1;
  const z = Math.abs(x);
  if (z < 3) {
    // Maclaurin series: erf(z) = 2/sqrt(pi) * sum (-1)^n z^(2n+1) / (n! (2n+1))
    let sum = 0;
    let term = z;
    for (let n = 0; n < 100; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-z * z) / (n + 1);
    }
    return sign * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc at large z.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (z + f);
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
  return sign * (1 - erfc);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Applies one activation to one value, in float64. */
export function activate(act: Activation, x: number): number {
  switch (act.kind) {
    case ActivationKind.Linear: return x;
    case ActivationKind.Relu: return Math.max(x, 0);
    case ActivationKind.Relu6: return Math.min(Math.max(x, 0), 6);
    case ActivationKind.Elu: return x > 0 ? x : act.alpha * Math.expm1(x);
    case ActivationKind.Selu: return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case ActivationKind.Gelu: return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case ActivationKind.GeluTanh:
      return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
    case ActivationKind.Sigmoid: return sigmoid(x);
    case ActivationKind.HardSigmoidKeras2: return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case ActivationKind.HardSigmoidKeras3: return Math.min(Math.max(x + 3, 0), 6) / 6;
    case ActivationKind.Tanh: return Math.tanh(x);
    case ActivationKind.Softplus: return softplus(x);
    case ActivationKind.Softsign: return x / (1 + Math.abs(x));
    case ActivationKind.Swish: return x * sigmoid(x);
    case ActivationKind.LeakyRelu: return x >= 0 ? x : act.alpha * x;
    case ActivationKind.Exponential: return Math.exp(x);
    case ActivationKind.HardSwish: return (x * Math.min(Math.max(x + 3, 0), 6)) / 6;
    case ActivationKind.Mish: return x * Math.tanh(softplus(x));
    case ActivationKind.ReluGeneral:
      // beta = F32_MAX is max_value None: +Infinity stays infinite, as in Keras.
      if (x >= act.beta) return act.beta === F32_MAX ? x : act.beta;
      if (x >= act.gamma) return x;
      // Slope 0: 0 below the threshold, −∞ included, not 0 · −∞ = NaN (shaders/lib_activation.wgsl);
      // NaN (which fails both tests above) stays NaN.
      return act.alpha === 0 && !Number.isNaN(x) ? 0 : act.alpha * (x - act.gamma);
  }
}

/** Applies an activation to every element, returning a new array. */
export function activateAll(act: Activation, data: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = activate(act, data[i]);
  return out;
}
