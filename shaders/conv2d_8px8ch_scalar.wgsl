// Direct 2-D convolution for groups = 1 and inC NOT a multiple of 4 (e.g. an RGB stem; src/ops/conv2d.ts
// selects it):
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co] + res[n, oy, ox, co])
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero;
//   res is the residual of a fused Add (src/graph/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Work split: conv2d_8px8ch_vec4.wgsl's 8 × 8 tile (EIGHT adjacent output pixels × EIGHT consecutive
// output channels, sixteen vec4 accumulators) with scalar input loads, since a pixel's channels do
// not start on a vec4 boundary: per input channel it loads 8 input scalars and 2 weight vec4 for
// 64 multiply-adds, against 16 per 4 scalars + 1 vec4 in conv2d_grouped.wgsl's 4 × 4 tile. Same-run A/B on
// SwiftShader: 224×224×3 → 32 3×3 0.76 → 1.05 GFLOP/s, 56×56×3 → 32 7×7 1.01 → 1.51.
//
// Weight layout: Keras' HWIO kernel [kH, kW, inC, outC] with outC zero-padded by the host to a
// multiple of 8 (outBlocks even), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk].
// The bias is padded the same way.
//
// Bounds: a kernel row outside the input is skipped for all eight pixels (they share iy); columns
// differ per pixel, so out-of-range columns read a clamped, in-range address and `select` turns
// the value into 0 (no out-of-bounds access, no 0 · inf = NaN). Pixels past outW and channels past
// outC are computed and not written. Invocations past the rounded-up dispatch return at once.

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
@group(0) @binding(1) var<storage, read> input: array<f32>;
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
      let base0 = (vec4u(rowBase) + vec4u(clamp(ix0, vec4i(0), vec4i(inW - 1)))) * params.inC;
      let ix4 = vec4i(4, 5, 6, 7) * sx + (x0 + i32(kx * params.dilationW));
      let in4 = (ix4 >= vec4i(0)) & (ix4 < vec4i(inW));
      let base4 = (vec4u(rowBase) + vec4u(clamp(ix4, vec4i(0), vec4i(inW - 1)))) * params.inC;
      var w = (ky * params.kW + kx) * params.inC * blocks + cblk;
      for (var ci = 0u; ci < params.inC; ci++) {
        let v0 = select(0.0, input[base0.x + ci], in0.x);
        let v1 = select(0.0, input[base0.y + ci], in0.y);
        let v2 = select(0.0, input[base0.z + ci], in0.z);
        let v3 = select(0.0, input[base0.w + ci], in0.w);
        let v4 = select(0.0, input[base4.x + ci], in4.x);
        let v5 = select(0.0, input[base4.y + ci], in4.y);
        let v6 = select(0.0, input[base4.z + ci], in4.z);
        let v7 = select(0.0, input[base4.w + ci], in4.w);
        let w0 = kernel[w];
        let w1 = kernel[w + 1u];
        w += blocks;
        a00 += v0 * w0;
        a01 += v0 * w1;
        a10 += v1 * w0;
        a11 += v1 * w1;
        a20 += v2 * w0;
        a21 += v2 * w1;
        a30 += v3 * w0;
        a31 += v3 * w1;
        a40 += v4 * w0;
        a41 += v4 * w1;
        a50 += v5 * w0;
        a51 += v5 * w1;
        a60 += v6 * w0;
        a61 += v6 * w1;
        a70 += v7 * w0;
        a71 += v7 * w1;
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
