// Keras PReLU: output[i] = x if x ≥ 0 else alpha[a(i)] · x   (Keras: relu(x) − alpha · relu(−x)).
// alpha has the input's shape without the batch, with size 1 along `shared_axes`, so it is read
// through broadcast strides: a(i) = Σ_d coord_d(i) · alphaStrides[d], coord_d(i) = (i / after[d]) % dims[d]
// over the output's axes (stride 0 on the batch and the shared axes; lib_strided_index.wgsl). The
// host coalesces axes that broadcast the same way (per-channel alpha on [N, H, W, C] becomes
// [N·H·W, C]).
//
// Work split (lib_flat_main.wgsl): one invocation per element, flat, bounds-checked. Buffers:
// input and output from lib_input_output.wgsl, alpha after them.

struct Params {
  count: u32,
  dims: array<vec4u, 2>,
  after: array<vec4u, 2>,
  alphaStrides: array<vec4u, 2>,
}

@group(0) @binding(3) var<storage, read> alpha: array<f32>;

fn item(i: u32) {
  let a = alpha[offsetOf(coordsOf(i), params.alphaStrides)];
  let x = input[i];
  output[i] = select(a * x, x, x >= 0.0);
}

fn items() -> u32 {
  return params.count;
}
