// Dense, reduce step after dense_splitk.wgsl: output[r, n] = act(sum_s partials[s, r, n] + bias[n]).
//
// One invocation per (row, 4 output units): it adds the `slices` partial vec4 in slice order
// (deterministic), adds the bias (padded to N4 vec4 at plan time) and applies the fused activation
// per lane. The output keeps the unpadded [rows, N] layout, so it is written as scalars and the
// padding lanes (n >= N) are dropped.

struct Params {
  rows: u32,
  outFeatures: u32,
  n4: u32,
  slices: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partials: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let N4 = params.n4;
  let rows = params.rows;
  if (idx >= rows * N4) {
    return;
  }
  let n4 = idx % N4;
  let r = idx / N4;
  let stride = rows * N4;
  var acc = vec4f(0.0);
  for (var s = 0u; s < params.slices; s++) {
    acc += partials[s * stride + idx];
  }
  let v = acc + bias[n4];
  let N = params.outFeatures;
  let n = n4 * 4u;
  let o = r * N + n;
  output[o] = activate(v.x);
  if (n + 1u < N) { output[o + 1u] = activate(v.y); }
  if (n + 2u < N) { output[o + 2u] = activate(v.z); }
  if (n + 3u < N) { output[o + 3u] = activate(v.w); }
}
