// Softmax along one axis: output = exp(x - max) / sum(exp(x - max)), the max taken over the axis so
// that exp never overflows (logits of ±80 or more are fine) and the largest term is exactly 1.
//
// Layout: the channels-last tensor is viewed as [outer, axisLen, inner] (inner = product of the
// dimensions after the axis, 1 for the usual last-axis softmax). One invocation owns one
// (outer, inner) lane and walks its axisLen elements at stride `inner` three times: max, then the
// sum of exp written to `output` as it goes, then a rescale of what it wrote. Lanes are
// independent, so no workgroup memory or barriers; lanes are lib_flat_main.wgsl's items (outer ·
// inner of them). Buffers: lib_input_output.wgsl.
//
// NaN and ±Infinity: as the reference (and TF): a NaN in a lane makes the whole lane NaN (the max
// is lib_nan.wgsl's max_nan, so m is NaN and so is every x − m), and +∞ gives ∞ − ∞ = NaN for its own
// entry and so a NaN sum for the lane; −∞ entries give 0. WGSL leaves exp(NaN) indeterminate (on
// SwiftShader it is a number), so a NaN x − m is kept as it is rather than passed to exp. The
// sum ≥ 1 argument below is for finite lanes.

struct Params {
  outer: u32,
  axisLen: u32,
  inner: u32,
}

fn item(lane: u32) {
  let inner = params.inner;
  let n = params.axisLen;
  let base = (lane / inner) * n * inner + lane % inner;
  var m = input[base];
  for (var k = 1u; k < n; k++) {
    m = max_nan(m, input[base + k * inner]);
  }
  var sum = 0.0;
  for (var k = 0u; k < n; k++) {
    let d = input[base + k * inner] - m;
    let e = select(exp(d), d, is_nan(d));
    output[base + k * inner] = e;
    sum += e;
  }
  // sum >= 1 (the max contributes exp(0)), so the division is always safe.
  for (var k = 0u; k < n; k++) {
    output[base + k * inner] = output[base + k * inner] / sum;
  }
}

fn items() -> u32 {
  return params.outer * params.inner;
}
