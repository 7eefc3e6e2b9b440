// Softmax along one axis: output = exp(x - max) / sum(exp(x - max)), the max taken over the axis so
// that exp never overflows (logits of ±80 or more are fine) and the largest term is exactly 1.
//
// Layout: the channels-last tensor is viewed as [outer, axisLen, inner] (inner = product of the
// dimensions after the axis, 1 for the usual last-axis softmax). One invocation owns one
// (outer, inner) lane and walks its axisLen elements at stride `inner` three times: max, then the
// sum of exp written to `output` as it goes, then a rescale of what it wrote. Lanes are
// independent, so no workgroup memory or barriers; the flat lane index folds dispatch y into x
// (see src/ops/dispatch.ts) and is bounds-checked against outer * inner.

struct Params {
  outer: u32,
  axisLen: u32,
  inner: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let lane = gid.x + gid.y * nwg.x * WG;
  let inner = params.inner;
  let n = params.axisLen;
  if (lane >= params.outer * inner) {
    return;
  }
  let base = (lane / inner) * n * inner + lane % inner;
  var m = input[base];
  for (var k = 1u; k < n; k++) {
    m = max(m, input[base + k * inner]);
  }
  var sum = 0.0;
  for (var k = 0u; k < n; k++) {
    let e = exp(input[base + k * inner] - m);
    output[base + k * inner] = e;
    sum += e;
  }
  // sum >= 1 (the max contributes exp(0)), so the division is always safe.
  for (var k = 0u; k < n; k++) {
    output[base + k * inner] = output[base + k * inner] / sum;
  }
}
