// LayerNormalization over the last axis (Keras 3 ops.layer_normalization on TensorFlow):
//   mean = Σ x / C;  var = Σ (x − mean)² / C            (tf.nn.moments: the centred form)
//   inv  = inverseSqrt(var + epsilon) · gamma[c]         (gamma = 1 without `scale`)
//   y    = x · inv + (beta[c] − mean · inv)              (beta = 0 without `center`)
// RMS_SCALING = 1 (Keras' rms_scaling=True) gives y = x · inverseSqrt(var + epsilon) · gamma[c]:
// Keras still uses the centred variance there and ignores beta, and so does this kernel.
//
// Work split (lib_flat_main.wgsl): one invocation per row (all leading axes flattened): it reads its C values three
// times (mean, variance, output). Rows are short in CNNs (the channels of one pixel), so a row per
// invocation needs no workgroup reduction; consecutive invocations take adjacent rows. The two
// passes (mean first, then squared deviations) avoid the cancellation of E[x²] − E[x]².
// gamma/beta are always bound (ones/zeros from the host when the layer lacks them), after
// lib_input_output.wgsl's input and output.
//
// NaN / ±Infinity (lib_nan.wgsl linked first): one in a row makes the mean, the variance and so every
// output of the row NaN (∞ − ∞ for an infinity), as in the reference. inverseSqrt of NaN is
// indeterminate in WGSL (SwiftShader's exp(NaN), for one, is a number), so the NaN is passed on
// explicitly: without it RMS_SCALING's x · r would turn the row's other values into numbers.

struct Params {
  rows: u32,
  channels: u32,
  epsilon: f32,
}

override RMS_SCALING: u32 = 0u;

@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;

fn item(row: u32) {
  let C = params.channels;
  let base = row * C;
  var sum = 0.0;
  for (var c = 0u; c < C; c++) {
    sum += input[base + c];
  }
  let mean = sum / f32(C);
  var sq = 0.0;
  for (var c = 0u; c < C; c++) {
    let d = input[base + c] - mean;
    sq += d * d;
  }
  let v = sq / f32(C) + params.epsilon;
  let r = select(inverseSqrt(v), v, is_nan(v));
  for (var c = 0u; c < C; c++) {
    let inv = r * gamma[c];
    let x = input[base + c];
    if (RMS_SCALING == 1u) {
      output[base + c] = x * inv;
    } else {
      output[base + c] = x * inv + (beta[c] - mean * inv);
    }
  }
}

fn items() -> u32 {
  return params.rows;
}
