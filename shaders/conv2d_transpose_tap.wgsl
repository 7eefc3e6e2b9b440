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

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Rows (input pixels) per invocation (the dispatch in src/ops/conv2d-transpose.ts counts tiles of this height).
const ROWS: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let taps = params.kH * params.kW;
  let m = params.batch * params.inH * params.inW;
  let tiles = (m + ROWS - 1u) / ROWS;
  if (idx >= tiles * taps * pairs) {
    return;
  }
  let cblk = (idx % pairs) * 2u;
  let rest = idx / pairs;
  let tap = rest % taps;
  let m0 = (rest / taps) * ROWS;
  let cin4 = params.inC / 4u;
  // Rows past the end read the last row (in range) and are not written.
  let last = vec4u(m - 1u);
  let r0 = min(vec4u(m0) + vec4u(0u, 1u, 2u, 3u), last) * cin4;
  let r4 = min(vec4u(m0) + vec4u(4u, 5u, 6u, 7u), last) * cin4;
  let zero = vec4f(0.0);
  // a<row><block>: row m0 + r, channels 4·(cblk + b) .. +3.
  var a00 = zero; var a01 = zero;
  var a10 = zero; var a11 = zero;
  var a20 = zero; var a21 = zero;
  var a30 = zero; var a31 = zero;
  var a40 = zero; var a41 = zero;
  var a50 = zero; var a51 = zero;
  var a60 = zero; var a61 = zero;
  var a70 = zero; var a71 = zero;
  var w = tap * params.inC * blocks + cblk;
  for (var c4 = 0u; c4 < cin4; c4++) {
    let v0 = input[r0.x + c4];
    let v1 = input[r0.y + c4];
    let v2 = input[r0.z + c4];
    let v3 = input[r0.w + c4];
    let v4 = input[r4.x + c4];
    let v5 = input[r4.y + c4];
    let v6 = input[r4.z + c4];
    let v7 = input[r4.w + c4];
    // Weights of input channels 4·c4 .. +3 (first digit) for the two blocks (second digit).
    let w00 = kernel[w]; let w01 = kernel[w + 1u]; w += blocks;
    let w10 = kernel[w]; let w11 = kernel[w + 1u]; w += blocks;
    let w20 = kernel[w]; let w21 = kernel[w + 1u]; w += blocks;
    let w30 = kernel[w]; let w31 = kernel[w + 1u]; w += blocks;
    a00 += v0.x * w00 + v0.y * w10 + v0.z * w20 + v0.w * w30;
    a01 += v0.x * w01 + v0.y * w11 + v0.z * w21 + v0.w * w31;
    a10 += v1.x * w00 + v1.y * w10 + v1.z * w20 + v1.w * w30;
    a11 += v1.x * w01 + v1.y * w11 + v1.z * w21 + v1.w * w31;
    a20 += v2.x * w00 + v2.y * w10 + v2.z * w20 + v2.w * w30;
    a21 += v2.x * w01 + v2.y * w11 + v2.z * w21 + v2.w * w31;
    a30 += v3.x * w00 + v3.y * w10 + v3.z * w20 + v3.w * w30;
    a31 += v3.x * w01 + v3.y * w11 + v3.z * w21 + v3.w * w31;
    a40 += v4.x * w00 + v4.y * w10 + v4.z * w20 + v4.w * w30;
    a41 += v4.x * w01 + v4.y * w11 + v4.z * w21 + v4.w * w31;
    a50 += v5.x * w00 + v5.y * w10 + v5.z * w20 + v5.w * w30;
    a51 += v5.x * w01 + v5.y * w11 + v5.z * w21 + v5.w * w31;
    a60 += v6.x * w00 + v6.y * w10 + v6.z * w20 + v6.w * w30;
    a61 += v6.x * w01 + v6.y * w11 + v6.z * w21 + v6.w * w31;
    a70 += v7.x * w00 + v7.y * w10 + v7.z * w20 + v7.w * w30;
    a71 += v7.x * w01 + v7.y * w11 + v7.z * w21 + v7.w * w31;
  }
  let b0 = bias[cblk];
  let b1 = bias[cblk + 1u];
  let c0 = cblk * 4u; // first output channel of the tile
  let dy = tap / params.kW;
  let dx = tap % params.kW;
  storeRow(m0, m, dy, dx, c0, a00 + b0, a01 + b1);
  storeRow(m0 + 1u, m, dy, dx, c0, a10 + b0, a11 + b1);
  storeRow(m0 + 2u, m, dy, dx, c0, a20 + b0, a21 + b1);
  storeRow(m0 + 3u, m, dy, dx, c0, a30 + b0, a31 + b1);
  storeRow(m0 + 4u, m, dy, dx, c0, a40 + b0, a41 + b1);
  storeRow(m0 + 5u, m, dy, dx, c0, a50 + b0, a51 + b1);
  storeRow(m0 + 6u, m, dy, dx, c0, a60 + b0, a61 + b1);
  storeRow(m0 + 7u, m, dy, dx, c0, a70 + b0, a71 + b1);
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
