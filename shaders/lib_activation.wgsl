// Elementwise activations, linked in front of every kernel that fuses one into its epilogue.
//
// ACT selects the function (values mirror ActivationKind in src/graph/ir.ts) and ACT_ALPHA carries
// its parameters (LeakyReLU slope, ELU alpha; ReLU layer: slope, max_value, threshold). All are pipeline overrides, so the
// switch is resolved when the pipeline is compiled and costs nothing per element.
//
// NaN and ±Infinity (needs lib_nan.wgsl linked before this file): every activation of NaN is NaN in
// IEEE arithmetic and in the CPU reference (src/reference/activation.ts), so activate() returns a
// NaN input unchanged whatever the branch would do: max(x, 0) and clamp, which may drop a NaN in
// WGSL (see lib_nan.wgsl), and exp/tanh of NaN, which WGSL leaves indeterminate, never see one. One
// bit test and a select per element; the linear activation skips it (ACT is an override, so the
// fused epilogue of a linear conv is unchanged). Infinities go through the formulas as IEEE says:
// relu(+∞) = +∞, relu(−∞) = 0, sigmoid(±∞) = 1 / 0, tanh (clamped to ±20) ±1; a formula that
// multiplies ∞ by 0 gives NaN, as the reference's identical formula does (gelu(−∞), swish(−∞)).
// Needed beyond max and clamp: SwiftShader's exp(NaN) is a number, so elu, selu, softplus and
// exponential laundered NaN too. Cost: see lib_nan.wgsl (within noise, fused into a conv or alone).

override ACT: u32 = 0u;
override ACT_ALPHA: f32 = 0.0;
override ACT_BETA: f32 = 0.0;
override ACT_GAMMA: f32 = 0.0;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;
// The largest finite f32 (src/graph/ir.ts F32_MAX).
const F32_MAX: f32 = 0x1.fffffep+127f;

// erf with |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev fit): WGSL has no erf builtin and
// Keras' default gelu is the exact erf form.
fn erf_approx(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
      t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
      t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}

// Numerically stable log(1 + exp(x)), as TF computes softplus.
fn softplus_f(x: f32) -> f32 {
  return max(x, 0.0) + log(1.0 + exp(-abs(x)));
}

fn sigmoid_f(x: f32) -> f32 {
  // Split by sign so exp never overflows.
  if (x >= 0.0) {
    return 1.0 / (1.0 + exp(-x));
  }
  let e = exp(x);
  return e / (1.0 + e);
}

fn activate(x: f32) -> f32 {
  if (ACT == 0u) {
    return x;
  }
  return select(activate_finite(x), x, is_nan(x));
}

// The activation of a number (not NaN; ±Infinity included).
fn activate_finite(x: f32) -> f32 {
  switch ACT {
    case 0u: { return x; }
    case 1u: { return max(x, 0.0); }
    case 2u: { return clamp(x, 0.0, 6.0); }
    case 3u: { return select(ACT_ALPHA * (exp(x) - 1.0), x, x > 0.0); }
    case 4u: { return SELU_SCALE * select(SELU_ALPHA * (exp(x) - 1.0), x, x > 0.0); }
    case 5u: { return 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476)); }
    case 6u: {
      let inner = 0.7978845608028654 * (x + 0.044715 * x * x * x);
      return 0.5 * x * (1.0 + tanh(clamp(inner, -20.0, 20.0)));
    }
    case 7u: { return sigmoid_f(x); }
    case 8u: { return clamp(0.2 * x + 0.5, 0.0, 1.0); }
    case 9u: { return clamp(x + 3.0, 0.0, 6.0) / 6.0; }
    case 10u: { return tanh(clamp(x, -20.0, 20.0)); }
    case 11u: { return softplus_f(x); }
    case 12u: { return x / (1.0 + abs(x)); }
    case 13u: { return x * sigmoid_f(x); }
    case 14u: { return select(ACT_ALPHA * x, x, x >= 0.0); }
    case 15u: { return exp(x); }
    case 16u: { return x * clamp(x + 3.0, 0.0, 6.0) / 6.0; }
    case 17u: { return x * tanh(clamp(softplus_f(x), -20.0, 20.0)); }
    case 18u: {
      // Keras ReLU(max_value=BETA, negative_slope=ALPHA, threshold=GAMMA). BETA = the largest f32
      // stands for max_value None, which leaves +∞ as it is (a cap would make it a finite number).
      if (x >= ACT_BETA) { return select(ACT_BETA, x, ACT_BETA == F32_MAX); }
      if (x >= ACT_GAMMA) { return x; }
      // Slope 0 is 0 below the threshold, −∞ included (as Keras' relu/relu6); ALPHA · (−∞) would be
      // NaN in IEEE arithmetic, and a compiler folds 0 · x to 0 anyway, so say which explicitly.
      return select(ACT_ALPHA * (x - ACT_GAMMA), 0.0, ACT_ALPHA == 0.0);
    }
    default: { return x; }
  }
}
