// Fragment: what the register-blocked Conv3D kernels (conv3d_blocked.wgsl, conv3d_blocked_x3.wgsl,
// conv3d_blocked_x3_2y.wgsl) share: their parameters, overrides and bindings, the item
// count and each item's place, and the store of one channel's four voxels. See conv3d_blocked.wgsl
// for the work split and the weight layout.
//
// An item is PIXELS voxels along x, spaced `spacing().x` apart, in each of ROWS output rows spaced
// `spacing().y` apart. Spacing 1 is the plain tile of x-adjacent voxels; a kernel that spaces its
// voxels by the dilation makes neighbouring voxels share input columns (rows) at any dilation. The
// tiles of one row: whole groups of PIXELS·s columns hold s tiles each (tile t starts at
// (t / s)·PIXELS·s + t % s); the last, partial group holds min(s, what is left) tiles, so no tile
// starts past the edge. src/ops/conv3d.ts counts the items with the same formula.
//
// Provides: struct Params, IN_C, OUT_C, ALL_C, C0, the bindings, PIXELS, items(), itemPlace(), storeChannel().
// The linking kernel defines item(), const ROWS (output rows per item) and fn spacing() -> vec2u.
// Links after lib_activation.wgsl (activate) and lib_flat_main.wgsl (params).

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
// Channel blocks, for layers of more than 16 output channels (conv3d_blocked_x3.wgsl only): the
// layer has ALL_C output channels, of which this pipeline computes OUT_C from C0 on. Every other
// kernel runs with the defaults (one block: all channels) and indexes its weights with OUT_C.
override ALL_C: u32 = OUT_C;
override C0: u32 = 0u;

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Output voxels along x per item (src/ops/conv3d.ts counts tiles of this width).
const PIXELS: u32 = 4u;

// Tiles of `count` voxels spaced `step` apart that cover `extent` (see the header).
fn tilesAlong(extent: u32, count: u32, step: u32) -> u32 {
  let group = count * step;
  return (extent / group) * step + min(step, extent % group);
}

// First voxel of tile t.
fn tileStart(t: u32, count: u32, step: u32) -> u32 {
  return (t / step) * count * step + t % step;
}

fn items() -> u32 {
  let s = spacing();
  return params.batch * params.outD * tilesAlong(params.outH, ROWS, s.y) * tilesAlong(params.outW, PIXELS, s.x);
}

// Where item idx lies: (n, oz, oy0, ox0) of its first voxel.
fn itemPlace(idx: u32) -> vec4u {
  let s = spacing();
  let tilesX = tilesAlong(params.outW, PIXELS, s.x);
  let tilesY = tilesAlong(params.outH, ROWS, s.y);
  let ox0 = tileStart(idx % tilesX, PIXELS, s.x);
  let rowTile = idx / tilesX;
  let oy0 = tileStart(rowTile % tilesY, ROWS, s.y);
  let plane = rowTile / tilesY; // n·outD + oz
  return vec4u(plane / params.outD, plane % params.outD, oy0, ox0);
}

// Writes channel c (of the block) of the item's voxels in one row that exist (ox0 + p·step < outW),
// biased and activated; outBase is the offset of the first voxel's channel C0 in the output.
fn storeChannel(outBase: u32, ox0: u32, step: u32, c: u32, sum: vec4f) {
  let s = sum + bias[C0 + c];
  output[outBase + c] = activate(s.x);
  if (ox0 + step < params.outW) {
    output[outBase + step * ALL_C + c] = activate(s.y);
  }
  if (ox0 + 2u * step < params.outW) {
    output[outBase + 2u * step * ALL_C + c] = activate(s.z);
  }
  if (ox0 + 3u * step < params.outW) {
    output[outBase + 3u * step * ALL_C + c] = activate(s.w);
  }
}
