// Keras PReLU: output[i] = x if x ≥ 0 else alpha[a(i)] · x   (Keras: relu(x) − alpha · relu(−x)).
// alpha has the input's shape without the batch, with size 1 along `shared_axes`, so it is read
// through broadcast strides: a(i) = Σ_d coord_d(i) · alphaStrides[d], coord_d(i) = (i / after[d]) % dims[d]
// over the output's axes (stride 0 on the batch and the shared axes). The host coalesces axes that
// broadcast the same way (per-channel alpha on [N, H, W, C] becomes [N·H·W, C]) and stores up to 8
// axes at the END of the arrays (front slots: size 1, stride 0).
//
// Work split: one invocation per element, flat; the index folds dispatch y into x and is checked.

struct Params {
  count: u32,
  dims: array<vec4u, 2>,
  after: array<vec4u, 2>,
  alphaStrides: array<vec4u, 2>,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> alpha: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= params.count) {
    return;
  }
  let c0 = (vec4u(i) / params.after[0]) % params.dims[0];
  let c1 = (vec4u(i) / params.after[1]) % params.dims[1];
  let a = alpha[dot(c0, params.alphaStrides[0]) + dot(c1, params.alphaStrides[1])];
  let x = input[i];
  output[i] = select(a * x, x, x >= 0.0);
}
