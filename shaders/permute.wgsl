// Keras Permute: a real transpose of the axes after the batch (data moves; not an alias).
//   output[i] = input[offset(i)],  offset(i) = Σ_d coord_d(i) · inStrides[d]
// where coord_d(i) = (i / after[d]) % dims[d] are the output coordinates (after = product of the
// later output axes) and inStrides[d] is the input's element stride of the axis that output axis d
// comes from. The host coalesces runs of axes that stay adjacent and in order (so Permute((2, 1, 3))
// on [N, H, W, C] moves C-long vectors over 4 axes [N, W, H, C] → merged to what is needed), and
// stores up to 8 axes at the END of the arrays (front slots: size 1, stride 0, contributing nothing).
//
// Work split: one invocation per output element, consecutive invocations write consecutive
// outputs (reads are strided: a transpose cannot make both sides contiguous without tiling through
// workgroup memory, which the small tensors of CNN heads do not repay). Flat index folds dispatch y
// into x (src/ops/dispatch.ts) and is bounds-checked.

struct Params {
  count: u32,
  dims: array<vec4u, 2>,
  after: array<vec4u, 2>,
  inStrides: array<vec4u, 2>,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.count) {
    return;
  }
  let c0 = (vec4u(i) / params.after[0]) % params.dims[0];
  let c1 = (vec4u(i) / params.after[1]) % params.dims[1];
  output[i] = input[dot(c0, params.inStrides[0]) + dot(c1, params.inStrides[1])];
}
