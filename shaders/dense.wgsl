// Dense (fully connected) layer on the last axis: output[r, n] = act(sum_k input[r, k] * kernel[k, n] + bias[n]).
//
// Inputs of any rank are treated as `rows` × `inFeatures` (channels-last makes the last axis
// contiguous). The kernel keeps Keras' [inFeatures, outFeatures] layout, so consecutive
// invocations (consecutive n) read consecutive kernel words. One invocation per output element;
// four partial sums cut the rounding error of long reductions (Flatten → Dense can have K > 10^5).

struct Params {
  rows: u32,
  inFeatures: u32,
  outFeatures: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let N = params.outFeatures;
  let K = params.inFeatures;
  if (idx >= params.rows * N) {
    return;
  }
  let r = idx / N;
  let n = idx % N;
  let inBase = r * K;
  var acc = vec4f(0.0);
  var k = 0u;
  for (; k + 4u <= K; k += 4u) {
    let x = vec4f(input[inBase + k], input[inBase + k + 1u], input[inBase + k + 2u], input[inBase + k + 3u]);
    let w = vec4f(kernel[k * N + n], kernel[(k + 1u) * N + n], kernel[(k + 2u) * N + n], kernel[(k + 3u) * N + n]);
    acc += x * w;
  }
  var tail = 0.0;
  for (; k < K; k++) {
    tail += input[inBase + k] * kernel[k * N + n];
  }
  let sum = (acc.x + acc.y) + (acc.z + acc.w) + tail + bias[n];
  output[idx] = activate(sum);
}
