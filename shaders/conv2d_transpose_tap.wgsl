// Transposed 2-D convolution whose kernel equals its stride (kH = strideH, kW = strideW) with no
// padding and no extra output rows (src/ops/conv2d-transpose.ts checks the geometry): the U-Net
// up-conv (2×2, stride 2, 'valid'). Then each input pixel's patch lands on its own output pixels
// with no overlap, and every output pixel (strideH·y + dy, strideW·x + dx) takes exactly one tap:
//   out[n, sH·y + dy, sW·x + dx, co] = activate(bias[co] + Σ_ci in[n, y, x, ci] · w[dy, dx, co, ci])
// so the op is kH·kW independent matrix products [N·H·W, inC] × [inC, outC], one per tap, each
// writing a strided set of output pixels. The general kernel (conv2d_transpose.wgsl) computes one
// output element per invocation with scalar loads; this one is conv2d_1x1.wgsl's register-blocked
// product with the tap added to the dispatch.
//
// Work split: one invocation computes 8 consecutive input rows (pixels, possibly across image rows
// and images) × 8 output channels (two vec4 blocks) of one tap in sixteen vec4 accumulators; per
// step of 4 input channels it loads 8 input vec4 and 8 weight vec4 for 256 multiply-adds. No
// workgroup memory (costly on SwiftShader). The channel pair varies fastest, then the tap, so
// neighbouring invocations re-read the same input rows. Rows past M (the last tile) read row M − 1
// and are not written. Needs inC a multiple of 4 (vec4 input loads).
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_tile_8x8.wgsl +
// lib_gemm_8x8.wgsl (the register-blocked product).
//
// Weight layout (re-laid by the host from Keras' [kH, kW, outC, inC]): one [inC, outC] matrix per
// tap t = dy·kW + dx, outC zero-padded to a multiple of 8 (outBlocks even), read as vec4:
// kernel[(t·inC + ci)·outBlocks + cblk]. The bias is padded the same way.

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  // vec4 columns of the padded kernel (even).
  outBlocks: u32,
  // Kernel size = stride.
  kH: u32,
  kW: u32,
}

@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Rows (input pixels) per invocation (the dispatch in src/ops/conv2d-transpose.ts counts tiles of this height).
const ROWS: u32 = 8u;

fn items() -> u32 {
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let taps = params.kH * params.kW;
  let m = params.batch * params.inH * params.inW;
  let tiles = (m + ROWS - 1u) / ROWS;
  return tiles * taps * pairs;
}

fn item(idx: u32) {
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let taps = params.kH * params.kW;
  let m = params.batch * params.inH * params.inW;
  let cblk = (idx % pairs) * 2u;
  let rest = idx / pairs;
  let tap = rest % taps;
  let m0 = (rest / taps) * ROWS;
  // Rows past the end read the last row (in range) and are not written.
  let t = gemm8x8(m0, m - 1u, params.inC / 4u, tap * params.inC * blocks + cblk);
  let b0 = bias[cblk];
  let b1 = bias[cblk + 1u];
  let c0 = cblk * 4u; // first output channel of the tile
  let dy = tap / params.kW;
  let dx = tap % params.kW;
  storeRow(m0, m, dy, dx, c0, t.a00 + b0, t.a01 + b1);
  storeRow(m0 + 1u, m, dy, dx, c0, t.a10 + b0, t.a11 + b1);
  storeRow(m0 + 2u, m, dy, dx, c0, t.a20 + b0, t.a21 + b1);
  storeRow(m0 + 3u, m, dy, dx, c0, t.a30 + b0, t.a31 + b1);
  storeRow(m0 + 4u, m, dy, dx, c0, t.a40 + b0, t.a41 + b1);
  storeRow(m0 + 5u, m, dy, dx, c0, t.a50 + b0, t.a51 + b1);
  storeRow(m0 + 6u, m, dy, dx, c0, t.a60 + b0, t.a61 + b1);
  storeRow(m0 + 7u, m, dy, dx, c0, t.a70 + b0, t.a71 + b1);
}

// Writes input row r's 8 channels for tap (dy, dx) if the row exists. Row r = (n·inH + y)·inW + x
// lands on output pixel (n, kH·y + dy, kW·x + dx); as outH = kH·inH, its flat index is
// (kH·(n·inH + y) + dy)·outW + kW·x + dx, so the image index never needs splitting off.
fn storeRow(r: u32, m: u32, dy: u32, dx: u32, c0: u32, s0: vec4f, s1: vec4f) {
  if (r >= m) {
    return;
  }
  let x = r % params.inW;
  let ny = r / params.inW;
  let at = ((ny * params.kH + dy) * params.outW + x * params.kW + dx) * params.outC + c0;
  store(at, c0, s0);
  store(at + 4u, c0 + 4u, s1);
}

// Writes the activated lanes of one vec4 that exist (c + lane < outC).
fn store(at: u32, c: u32, sum: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c + l < params.outC) {
      output[at + l] = activate(sum[l]);
    }
  }
}
