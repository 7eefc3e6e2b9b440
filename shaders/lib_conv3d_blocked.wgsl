// Fragment: what the register-blocked Conv3D kernels (conv3d_blocked.wgsl, conv3d_blocked_x3.wgsl)
// share: their parameters, overrides and bindings, the item count (one item: 4 x-adjacent output
// voxels × all output channels) and the store of one channel's four voxels. See conv3d_blocked.wgsl
// for the work split and the weight layout.
//
// Provides: struct Params, IN_C, OUT_C, the bindings, PIXELS, items(), storeChannel(). The linking
// kernel defines item(). Links after lib_activation.wgsl (activate) and lib_flat_main.wgsl (params).

struct Params {
  batch: u32,
  inD: u32,
  inH: u32,
  inW: u32,
  outD: u32,
  outH: u32,
  outW: u32,
  kD: u32,
  kH: u32,
  kW: u32,
  strideD: u32,
  strideH: u32,
  strideW: u32,
  dilationD: u32,
  dilationH: u32,
  dilationW: u32,
  padFront: u32,
  padTop: u32,
  padLeft: u32,
}

// Input channels and output channels (1 ..= 16) of the layer, set by the host.
override IN_C: u32 = 1u;
override OUT_C: u32 = 1u;

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Output voxels along x per invocation (the dispatch in src/ops/conv3d.ts counts tiles of this width).
const PIXELS: u32 = 4u;

fn items() -> u32 {
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  return params.batch * params.outD * params.outH * tilesX;
}

// Writes channel c of the invocation's voxels that exist (ox0 + p < outW), biased and activated.
fn storeChannel(outBase: u32, ox0: u32, c: u32, sum: vec4f) {
  let s = sum + bias[c];
  output[outBase + c] = activate(s.x);
  if (ox0 + 1u < params.outW) {
    output[outBase + OUT_C + c] = activate(s.y);
  }
  if (ox0 + 2u < params.outW) {
    output[outBase + 2u * OUT_C + c] = activate(s.z);
  }
  if (ox0 + 3u < params.outW) {
    output[outBase + 3u * OUT_C + c] = activate(s.w);
  }
}
