/**
 * Our fused activations (src/graph/ir.ts ActivationKind) as ONNX nodes, in whichever layout the
 * tensor has (they are elementwise). Each follows src/reference/activation.ts: one ONNX op where
 * ONNX has the same function (Relu, Elu, Selu, HardSigmoid with Keras' constants, HardSwish, ...),
 * else the formula from primitives (exact GELU through Erf, Swish as x·sigmoid(x), Keras' general
 * ReLU through Where), so every opset from 17 on gets the same graph.
 */
import { ActivationKind, F32_MAX, type Activation } from '../graph/ir.ts';
import { laid, type Laid, type OnnxBuilder } from './builder.ts';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** `x` through `act`, in x's layout; `x` itself when the activation is linear. */
export function emitActivation(b: OnnxBuilder, t: Laid, act: Activation, at: string): Laid {
  if (act.kind === ActivationKind.Linear) return t;
  const { name: x, cf } = b.either(t);
  return laid(t.shape, activationOf(b, x, act, `${at}/act`), cf);
}

/** The ONNX value of act(x) for the value named `x`. */
function activationOf(b: OnnxBuilder, x: string, act: Activation, at: string): string {
  const c = (v: number, what: string) => b.scalar(`${at}/${what}`, v);
  const mul = (a: string, y: string) => b.node('Mul', [a, y], at);
  switch (act.kind) {
    case ActivationKind.Linear:
      return x;
    case ActivationKind.Relu:
      return b.node('Relu', [x], at);
    case ActivationKind.Relu6:
      return b.node('Clip', [x, c(0, 'zero'), c(6, 'six')], at);
    case ActivationKind.Elu:
      return b.node('Elu', [x], at, { alpha: { float: act.alpha } });
    case ActivationKind.Selu:
      return b.node('Selu', [x], at, { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } });
    case ActivationKind.Gelu: {
      // 0.5·x·(1 + erf(x / √2)), Keras' exact form.
      const erf = b.node('Erf', [b.node('Div', [x, c(Math.SQRT2, 'sqrt2')], at)], at);
      return mul(mul(x, c(0.5, 'half')), b.node('Add', [erf, c(1, 'one')], at));
    }
    case ActivationKind.GeluTanh: {
      // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
      const cube = mul(mul(x, x), x);
      const inner = mul(b.node('Add', [x, mul(cube, c(0.044715, 'k'))], at), c(0.7978845608028654, 'sqrt_2_pi'));
      return mul(mul(x, c(0.5, 'half')), b.node('Add', [b.node('Tanh', [inner], at), c(1, 'one')], at));
    }
    case ActivationKind.Sigmoid:
      return b.node('Sigmoid', [x], at);
    case ActivationKind.HardSigmoidKeras2:
      return b.node('HardSigmoid', [x], at, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case ActivationKind.HardSigmoidKeras3:
      // relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)
      return b.node('HardSigmoid', [x], at, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    case ActivationKind.Tanh:
      return b.node('Tanh', [x], at);
    case ActivationKind.Softplus:
      return b.node('Softplus', [x], at);
    case ActivationKind.Softsign:
      return b.node('Softsign', [x], at);
    case ActivationKind.Swish:
      return mul(x, b.node('Sigmoid', [x], at));
    case ActivationKind.LeakyRelu:
      return b.node('LeakyRelu', [x], at, { alpha: { float: act.alpha } });
    case ActivationKind.Exponential:
      return b.node('Exp', [x], at);
    case ActivationKind.HardSwish:
      return b.node('HardSwish', [x], at);
    case ActivationKind.Mish:
      return mul(x, b.node('Tanh', [b.node('Softplus', [x], at)], at));
    case ActivationKind.ReluGeneral:
      return reluGeneral(b, x, act, at);
  }
}

/**
 * Keras' ReLU layer: max_value β (F32_MAX: none), negative_slope α, threshold γ:
 * x ≥ β → β; γ ≤ x < β → x; below → α·(x − γ) (0 when α is 0, −∞ included). Plain ONNX ops
 * where the parameters allow one.
 */
function reluGeneral(b: OnnxBuilder, x: string, act: Activation, at: string): string {
  const { alpha, beta, gamma } = act;
  const noMax = beta === F32_MAX;
  if (gamma === 0 && alpha === 0) return noMax ? b.node('Relu', [x], at) : b.node('Clip', [x, b.scalar(`${at}/zero`, 0), b.scalar(`${at}/max`, beta)], at);
  if (gamma === 0 && noMax) return b.node('LeakyRelu', [x], at, { alpha: { float: alpha } });
  const above = noMax ? x : b.node('Min', [x, b.scalar(`${at}/max`, beta)], at);
  const below = alpha === 0 ? b.scalar(`${at}/zero`, 0) : b.node('Mul', [b.node('Sub', [x, b.scalar(`${at}/threshold`, gamma)], at), b.scalar(`${at}/slope`, alpha)], at);
  const keep = b.node('GreaterOrEqual', [x, b.scalar(`${at}/threshold`, gamma)], at);
  return b.node('Where', [keep, above, below], at);
}
