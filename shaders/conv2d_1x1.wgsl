// 1×1 convolution with stride 1, no padding, groups = 1 and inC a multiple of 4, as a plain matrix
// product (src/ops/conv2d.ts selects it):
//   out[m, co] = activate(bias[co] + Σ_ci in[m, ci] · w[ci, co] + res[m, co]),  m < M = batch·H·W
// Channels-last makes the input an M × inC row-major matrix and the HWIO kernel an inC × outC one,
// so no pixel geometry is needed: no kernel taps, no bounds tests per tap, and a tile's pixels may
// run across image rows (the vec4 direct kernel pads every row to whole tiles of 4).
// res is the residual of a fused Add (src/graph/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Work split: one invocation computes 8 consecutive rows (pixels) × 8 output channels (two vec4
// blocks) in sixteen vec4 accumulators, the tile that won the A/B timings of conv2d_8px8ch_vec4.wgsl;
// per step of 4 input channels it loads 8 input vec4 and 8 weight vec4 for 256 multiply-adds. No workgroup memory (costly on SwiftShader, see
// bench/probes/matmul.wgsl). Rows past M (the last tile) read row M − 1 and are not written.
//
// Weight layout: the kernel [inC, outC] with outC zero-padded by the host to a multiple of 8
// (outBlocks even), read as vec4: kernel[ci·outBlocks + cblk]; the bias is padded the same way.

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
  // Unused here (one group), kept so that the three conv2d shaders take the same params.
  groupInC: u32,
  groupOutC: u32,
  groupBlocks: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

override WG: u32 = 64u;
// 1: add residual[] (same shape as output) after the bias, before the activation; 2: after the
// activation (src/ops/conv2d-residual.ts says when each applies); 0: no residual.
override RESIDUAL: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;

// Rows (pixels) per invocation (the dispatch in src/ops/conv2d.ts counts tiles of this height).
const ROWS: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let m = params.batch * params.outH * params.outW;
  let tiles = (m + ROWS - 1u) / ROWS;
  if (idx >= tiles * pairs) {
    return;
  }
  let cblk = (idx % pairs) * 2u;
  let m0 = (idx / pairs) * ROWS;
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
  var w = cblk;
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
  let oc = params.outC;
  let outBase = m0 * oc + c0;
  store(outBase, c0, a00 + b0);
  store(outBase + 4u, c0 + 4u, a01 + b1);
  if (m0 + 1u < m) {
    store(outBase + 1u * oc, c0, a10 + b0);
    store(outBase + 1u * oc + 4u, c0 + 4u, a11 + b1);
  }
  if (m0 + 2u < m) {
    store(outBase + 2u * oc, c0, a20 + b0);
    store(outBase + 2u * oc + 4u, c0 + 4u, a21 + b1);
  }
  if (m0 + 3u < m) {
    store(outBase + 3u * oc, c0, a30 + b0);
    store(outBase + 3u * oc + 4u, c0 + 4u, a31 + b1);
  }
  if (m0 + 4u < m) {
    store(outBase + 4u * oc, c0, a40 + b0);
    store(outBase + 4u * oc + 4u, c0 + 4u, a41 + b1);
  }
  if (m0 + 5u < m) {
    store(outBase + 5u * oc, c0, a50 + b0);
    store(outBase + 5u * oc + 4u, c0 + 4u, a51 + b1);
  }
  if (m0 + 6u < m) {
    store(outBase + 6u * oc, c0, a60 + b0);
    store(outBase + 6u * oc + 4u, c0 + 4u, a61 + b1);
  }
  if (m0 + 7u < m) {
    store(outBase + 7u * oc, c0, a70 + b0);
    store(outBase + 7u * oc + 4u, c0 + 4u, a71 + b1);
  }
}

// Adds the residual (if fused) and writes the activated lanes of one vec4 that exist (c + lane < outC).
fn store(at: u32, c: u32, sum: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c + l < params.outC) {
      var v = sum[l];
      if (RESIDUAL == 1u) {
        v += residual[at + l];
      }
      v = activate(v);
      if (RESIDUAL == 2u) {
        v += residual[at + l];
      }
      output[at + l] = v;
    }
  }
}
