// NaN that stays NaN: max, min and clamp that propagate NaN the way IEEE 754 arithmetic (and the
// CPU references, whose Math.max/Math.min return NaN for a NaN operand) does. Linked in front of
// lib_activation.wgsl and of every kernel that reduces with max or min (pooling, fused conv + pool,
// the Maximum/Minimum merges, softmax).
//
// Why it is needed: WGSL's max, min and clamp return an indeterminate one of the operands when one
// is NaN (GPUs implement IEEE maxNum, which returns the number), so max(NaN, 0) can be 0. A ReLU
// or a max pool would then turn a NaN input into a confident finite answer, the worst failure for
// a medical classifier. WGSL also lets implementations assume NaN never occurs (fast-math), so
// `x != x` may be folded to false; the test below looks at the bits instead, which no float
// optimisation can assume away: exponent all ones and a non-zero mantissa.
//
// Cost: an AND, a compare and a select per operand, on values already in registers. With
// allowNonFinite off the inputs are checked finite on the CPU, so only NaN made inside the network
// (∞ − ∞, 0 · ∞) reaches these; correctness first, so there is no switch that skips them.
// Measured on SwiftShader (one page, HEAD's shaders and these alternated 16 times with an A/A
// control, on a 2-core machine under other load; ratios new/old against old'/old, medians of
// pairs): max pool 2×2 on 112²×64 1.19 vs 1.13, standalone ReLU 0.99 vs 1.16, global max pool
// 56²×256 1.23 vs 1.04, Maximum merge 1.03 vs 1.01, softmax 512×1000 1.12 vs 1.05, conv vec4 3×3
// 64→64 + ReLU 1.16 vs 1.19, conv + pool vec4 1.05 vs 1.08, RGB stem conv + pool 1.02 vs 0.95.
// All inside the A/A spread (about ±20 % there): no cost could be measured; the small reductions
// (global max pool, softmax) may pay a few per cent. No real GPU has timed it yet.
//
// ±Infinity needs nothing: max/min/clamp are exact for infinities (relu(+∞) = +∞, relu(−∞) = 0).

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn is_nan4(x: vec4f) -> vec4<bool> {
  return (bitcast<vec4u>(x) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u);
}

// max(a, b), NaN when either is (a + b is then NaN: no NaN constant, which WGSL cannot spell).
fn max_nan(a: f32, b: f32) -> f32 {
  return select(max(a, b), a + b, is_nan(a) | is_nan(b));
}

fn min_nan(a: f32, b: f32) -> f32 {
  return select(min(a, b), a + b, is_nan(a) | is_nan(b));
}

fn max_nan4(a: vec4f, b: vec4f) -> vec4f {
  return select(max(a, b), a + b, is_nan4(a) | is_nan4(b));
}

// clamp(x, lo, hi) with finite bounds, NaN for NaN x.
fn clamp_nan(x: f32, lo: f32, hi: f32) -> f32 {
  return select(clamp(x, lo, hi), x, is_nan(x));
}
