// Conv2D followed by a 2×2 stride-2 max pool, in one pass, for groups = 1 and inC NOT a multiple of
// 4 (an RGB stem; src/ops/conv2d-pool.ts selects it, src/graph/passes/fuse-pool.ts makes the node):
//   conv[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   out[n, py, px, co]  = max over oy ∈ {2py, 2py+1}, ox ∈ {2px, 2px+1} that exist (< convH, convW)
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
// Pool windows, activation before the max and the pooled epilogue: as conv2d_pool_8px8ch_vec4.wgsl (two
// passes of an 8 conv pixels × 8 channels tile, one per conv row of the window).
//
// Work split: conv2d_8px8ch_scalar.wgsl's 8 × 8 tile with scalar input loads (a pixel's channels do not
// start on a vec4 boundary). Measured on the seed network's 224²×3 → 32 stem + pool on SwiftShader
// (same-run A/B, quiet machine, this kernel 43-44 ms): tiles of 4 px × 8 ch and 4 × 16 the same,
// 8 × 16 47, 8 × 4 50, 4 × 32 50, 4 × 4 57 ms; one contiguous kW·inC tap loop per kernel row for
// interior tiles 46; the same with four taps per accumulator update 60; the three RGB channels in
// straight-line code 82 (Subzero handles long blocks badly); padding the input to 4 channels for
// conv2d_pool_8px8ch_vec4.wgsl 85; im2col to 28 channels + conv2d_pool_8px8ch_vec4.wgsl as a 1×1 conv 38 + 10.5
// for the gather pass; reusing input columns along x for stride 1 (the 10 distinct columns of 8
// pixels × 3 taps loaded once per kernel row and channel, 2.4× fewer input loads) 44-49 vs 42-46
// ms, and the same as a sliding window 51.5: input loads are not what limits this tile (the 16
// vec4 accumulators likely are). So the plain tile stays.
//
// Weight layout: Keras' HWIO kernel [kH, kW, inC, outC] with outC zero-padded by the host to a
// multiple of 8 (outBlocks even), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk].
//
// Bounds: as conv2d_8px8ch_scalar.wgsl (rows outside the input skipped, columns clamped + select).

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  // Conv output size (before pooling).
  convH: u32,
  convW: u32,
  // Pooled output size.
  outH: u32,
  outW: u32,
  outC: u32,
  // vec4 columns of the padded kernel (even).
  outBlocks: u32,
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

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Pooled output pixels per invocation (two conv pixels each; src/ops/conv2d-pool.ts counts tiles of this).
const POOLED: u32 = 4u;

fn act4(v: vec4f) -> vec4f {
  return vec4f(activate(v.x), activate(v.y), activate(v.z), activate(v.w));
}

// max(a, b) where conv column `ox` of b exists, else a. max_nan (lib_nan.wgsl): a NaN conv value makes
// its pooled output NaN, as the unfused conv → MaxPooling2D (and the reference) give.
fn pairMax(a: vec4f, b: vec4f, ox: u32) -> vec4f {
  return select(a, max_nan4(a, b), ox < params.convW);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let tilesX = (params.outW + POOLED - 1u) / POOLED;
  if (idx >= params.batch * params.outH * tilesX * pairs) {
    return;
  }
  let cblk = (idx % pairs) * 2u;
  let tile = idx / pairs; // (n·outH + py)·tilesX + tx
  let px0 = (tile % tilesX) * POOLED;
  let outRow = tile / tilesX; // n·outH + py
  let py = outRow % params.outH;
  let n = outRow / params.outH;
  let ox0 = px0 * 2u; // first conv column of the tile
  let inC = params.inC;
  let inW = i32(params.inW);
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let sx = i32(params.strideW);
  let zero = vec4f(0.0);
  let b0 = bias[cblk];
  let b1 = bias[cblk + 1u];
  // m<pooled pixel><block>: the running max of pooled pixel px0 + q, channels 4·(cblk + b) .. +3.
  var m00 = zero; var m01 = zero;
  var m10 = zero; var m11 = zero;
  var m20 = zero; var m21 = zero;
  var m30 = zero; var m31 = zero;
  for (var dy = 0u; dy < 2u; dy++) {
    let oy = py * 2u + dy;
    if (oy >= params.convH) {
      break; // 'same' padding, odd convH: the last window has one row
    }
    let y0 = i32(oy * params.strideH) - i32(params.padTop);
    // a<conv pixel><block>: conv pixel ox0 + p of row oy.
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
        let ix0 = vec4i(0, 1, 2, 3) * sx + (x0 + i32(kx * params.dilationW));
        let in0 = (ix0 >= vec4i(0)) & (ix0 < vec4i(inW));
        let base0 = (vec4u(rowBase) + vec4u(clamp(ix0, vec4i(0), vec4i(inW - 1)))) * inC;
        let ix4 = vec4i(4, 5, 6, 7) * sx + (x0 + i32(kx * params.dilationW));
        let in4 = (ix4 >= vec4i(0)) & (ix4 < vec4i(inW));
        let base4 = (vec4u(rowBase) + vec4u(clamp(ix4, vec4i(0), vec4i(inW - 1)))) * inC;
        var w = (ky * params.kW + kx) * inC * blocks + cblk;
        for (var ci = 0u; ci < inC; ci++) {
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
          a00 += v0 * w0; a01 += v0 * w1;
          a10 += v1 * w0; a11 += v1 * w1;
          a20 += v2 * w0; a21 += v2 * w1;
          a30 += v3 * w0; a31 += v3 * w1;
          a40 += v4 * w0; a41 += v4 * w1;
          a50 += v5 * w0; a51 += v5 * w1;
          a60 += v6 * w0; a61 += v6 * w1;
          a70 += v7 * w0; a71 += v7 * w1;
        }
      }
    }
    // Activate, then reduce conv columns 2q, 2q+1 (the second only where it exists).
    let h00 = pairMax(act4(a00 + b0), act4(a10 + b0), ox0 + 1u);
    let h01 = pairMax(act4(a01 + b1), act4(a11 + b1), ox0 + 1u);
    let h10 = pairMax(act4(a20 + b0), act4(a30 + b0), ox0 + 3u);
    let h11 = pairMax(act4(a21 + b1), act4(a31 + b1), ox0 + 3u);
    let h20 = pairMax(act4(a40 + b0), act4(a50 + b0), ox0 + 5u);
    let h21 = pairMax(act4(a41 + b1), act4(a51 + b1), ox0 + 5u);
    let h30 = pairMax(act4(a60 + b0), act4(a70 + b0), ox0 + 7u);
    let h31 = pairMax(act4(a61 + b1), act4(a71 + b1), ox0 + 7u);
    if (dy == 0u) {
      m00 = h00; m01 = h01; m10 = h10; m11 = h11; m20 = h20; m21 = h21; m30 = h30; m31 = h31;
    } else {
      m00 = max_nan4(m00, h00); m01 = max_nan4(m01, h01); m10 = max_nan4(m10, h10); m11 = max_nan4(m11, h11);
      m20 = max_nan4(m20, h20); m21 = max_nan4(m21, h21); m30 = max_nan4(m30, h30); m31 = max_nan4(m31, h31);
    }
  }
  let c0 = cblk * 4u; // first output channel of the tile
  let outBase = (outRow * params.outW + px0) * params.outC + c0;
  store(outBase, c0, m00);
  store(outBase + 4u, c0 + 4u, m01);
  if (px0 + 1u < params.outW) {
    store(outBase + params.outC, c0, m10);
    store(outBase + params.outC + 4u, c0 + 4u, m11);
  }
  if (px0 + 2u < params.outW) {
    store(outBase + 2u * params.outC, c0, m20);
    store(outBase + 2u * params.outC + 4u, c0 + 4u, m21);
  }
  if (px0 + 3u < params.outW) {
    store(outBase + 3u * params.outC, c0, m30);
    store(outBase + 3u * params.outC + 4u, c0 + 4u, m31);
  }
}

// Writes the lanes of one vec4 that exist (c + lane < outC).
fn store(at: u32, c: u32, v: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c + l < params.outC) {
      output[at + l] = v[l];
    }
  }
}
