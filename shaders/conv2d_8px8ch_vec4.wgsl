// Direct 2-D convolution for groups = 1 and inC a multiple of 4 (src/ops/conv2d.ts selects it):
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co] + res[n, oy, ox, co])
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero;
//   res is the residual of a fused Add (src/graph/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Work split: one invocation computes an 8 × 8 tile: EIGHT consecutive output channels (two vec4
// channel blocks) of EIGHT horizontally adjacent output pixels ox0 .. ox0+7, in sixteen vec4
// accumulators. The input is read as vec4 along channels (channels-last, inC % 4 = 0, so a pixel's
// channels start on a vec4 boundary): per step of 4 input channels it loads 8 input vec4 (one per
// pixel) and 8 weight vec4 (4 channels × 2 blocks) for 256 multiply-adds, 16 per vec4 load,
// against 3.2 for conv2d_grouped.wgsl's scalar input loads. Consecutive invocations take consecutive
// channel pairs of the same pixels. Measured on SwiftShader (same-run A/B, 3×3 convs of the malaria
// ResNet): 8 px × 8 ch ran 1.2–2× faster than 4×8, 4×16, 8×4, 8×16, 12×8 and 16×8 (tiles with
// more accumulators were slower); pixel-major invocation order was no better. No workgroup memory: on SwiftShader barriers cost more than the loads they
// would save (bench/probes/matmul.wgsl).
//
// Weight layout: Keras' HWIO kernel [kH, kW, inC, outC] with outC zero-padded by the host to a
// multiple of 8 (outBlocks even), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk].
// The bias is padded the same way.
//
// Bounds: a kernel row outside the input is skipped for all eight pixels (they share iy); columns
// differ per pixel, so out-of-range columns read a clamped, in-range address and `select` turns
// the vec4 into 0 (no out-of-bounds access, no 0 · inf = NaN). Pixels past outW and channels past
// outC are computed and not written. Invocations past the rounded-up dispatch return at once.
//
// Accuracy: each vec4 step sums 4 products before adding to the accumulator, so a reduction of K
// terms takes K / 4 accumulator roundings.

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

// Output pixels per invocation (the dispatch in src/ops/conv2d.ts counts tiles of this width).
const PIXELS: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  if (idx >= params.batch * params.outH * tilesX * pairs) {
    return;
  }
  let cblk = (idx % pairs) * 2u;
  let tile = idx / pairs; // (n·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // n·outH + oy
  let oy = outRow % params.outH;
  let n = outRow / params.outH;
  let cin4 = params.inC / 4u;
  let inW = i32(params.inW);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let sx = i32(params.strideW);
  let zero = vec4f(0.0);
  // a<pixel><block>: pixel ox0 + p, channels 4·(cblk + b) .. +3.
  var a00 = zero; var a01 = zero;
  var a10 = zero; var a11 = zero;
  var a20 = zero; var a21 = zero;
  var a30 = zero; var a31 = zero;
  var a40 = zero; var a41 = zero;
  var a50 = zero; var a51 = zero;
  var a60 = zero; var a61 = zero;
  var a70 = zero; var a71 = zero;
  for (var ky = 0u; ky < params.kH; ky++) {
    let iy = y0 + i32(ky * params.dilationH);
    if (iy < 0 || iy >= i32(params.inH)) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy)) * params.inW;
    for (var kx = 0u; kx < params.kW; kx++) {
      // Input column of pixel p: x0 + p·strideW + kx·dilationW, in two vec4i of four pixels.
      let ix0 = vec4i(0, 1, 2, 3) * sx + (x0 + i32(kx * params.dilationW));
      let in0 = (ix0 >= vec4i(0)) & (ix0 < vec4i(inW));
      let base0 = (vec4u(rowBase) + vec4u(clamp(ix0, vec4i(0), vec4i(inW - 1)))) * cin4;
      let ix4 = vec4i(4, 5, 6, 7) * sx + (x0 + i32(kx * params.dilationW));
      let in4 = (ix4 >= vec4i(0)) & (ix4 < vec4i(inW));
      let base4 = (vec4u(rowBase) + vec4u(clamp(ix4, vec4i(0), vec4i(inW - 1)))) * cin4;
      var w = (ky * params.kW + kx) * params.inC * blocks + cblk;
      for (var c4 = 0u; c4 < cin4; c4++) {
        let v0 = select(zero, input[base0.x + c4], in0.x);
        let v1 = select(zero, input[base0.y + c4], in0.y);
        let v2 = select(zero, input[base0.z + c4], in0.z);
        let v3 = select(zero, input[base0.w + c4], in0.w);
        let v4 = select(zero, input[base4.x + c4], in4.x);
        let v5 = select(zero, input[base4.y + c4], in4.y);
        let v6 = select(zero, input[base4.z + c4], in4.z);
        let v7 = select(zero, input[base4.w + c4], in4.w);
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
    }
  }
  let c0 = cblk * 4u; // first output channel of the tile
  let outBase = (outRow * params.outW + ox0) * params.outC + c0;
  let b0 = bias[cblk];
  let b1 = bias[cblk + 1u];
  store(outBase, c0, a00 + b0);
  store(outBase + 4u, c0 + 4u, a01 + b1);
  if (ox0 + 1u < params.outW) {
    store(outBase + 1u * params.outC + 0u, c0, a10 + b0);
    store(outBase + 1u * params.outC + 4u, c0 + 4u, a11 + b1);
  }
  if (ox0 + 2u < params.outW) {
    store(outBase + 2u * params.outC + 0u, c0, a20 + b0);
    store(outBase + 2u * params.outC + 4u, c0 + 4u, a21 + b1);
  }
  if (ox0 + 3u < params.outW) {
    store(outBase + 3u * params.outC + 0u, c0, a30 + b0);
    store(outBase + 3u * params.outC + 4u, c0 + 4u, a31 + b1);
  }
  if (ox0 + 4u < params.outW) {
    store(outBase + 4u * params.outC + 0u, c0, a40 + b0);
    store(outBase + 4u * params.outC + 4u, c0 + 4u, a41 + b1);
  }
  if (ox0 + 5u < params.outW) {
    store(outBase + 5u * params.outC + 0u, c0, a50 + b0);
    store(outBase + 5u * params.outC + 4u, c0 + 4u, a51 + b1);
  }
  if (ox0 + 6u < params.outW) {
    store(outBase + 6u * params.outC + 0u, c0, a60 + b0);
    store(outBase + 6u * params.outC + 4u, c0 + 4u, a61 + b1);
  }
  if (ox0 + 7u < params.outW) {
    store(outBase + 7u * params.outC + 0u, c0, a70 + b0);
    store(outBase + 7u * params.outC + 4u, c0 + 4u, a71 + b1);
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
