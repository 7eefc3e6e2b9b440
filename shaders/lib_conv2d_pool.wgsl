// Fragment: Conv2D followed by a 2×2 stride-2 max pool in one pass, the body of
// conv2d_pool_8px8ch_vec4 and conv2d_pool_8px8ch_scalar (which differ in their input loads):
//   conv[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   out[n, py, px, co]  = max over oy ∈ {2py, 2py+1}, ox ∈ {2px, 2px+1} that exist (< convH, convW)
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
// The activation is applied to every conv value BEFORE the max, as Keras does (Conv2D(activation)
// → MaxPooling2D); max then activate would differ for non-monotonic activations (swish, gelu,
// mish). The conv tensor itself is never written.
//
// Pool windows: pool 2×2 stride 2 with 'valid' padding drops a last odd conv row / column
// (outH = floor(convH / 2)); with 'same' padding TF pads 0 before and 1 after, so the last window
// of an odd size holds only its first row / column (outH = ceil(convH / 2)). Both are the rule
// "take the cells of the window that are < convH, convW"; the first cell always exists.
//
// Work split: the 8 × 8 tile of lib_conv2d_8px8ch.wgsl (eight adjacent conv pixels × eight output
// channels) run twice, once for each conv row of the pool window; after each row the eight conv
// pixels are activated and reduced in pairs to the FOUR pooled pixels of the tile, kept in eight
// vec4 (m<pixel><block>) across the two rows. Consecutive invocations take consecutive channel
// pairs of the same pooled pixels.
//
// Weight layout: Keras' HWIO kernel [kH, kW, inC, outC] with outC zero-padded by the host to a
// multiple of 8 (outBlocks even), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk].
//
// Provides: struct Params, `kernel` (2), `bias` (3), `output` (4), items(), convPoolTile(). The
// including kernel links lib_flat_main.wgsl (WG, `params`, main), lib_nan.wgsl, lib_activation.wgsl,
// lib_tile_8x8.wgsl, lib_conv2d_8px8ch.wgsl and one of its channel loops (which declares `input`,
// binding 1), and calls convPoolTile from its item().

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

// The pooled tile of flat invocation index idx: four pooled pixels × two channel blocks.
// One item per pooled tile.
fn items() -> u32 {
  let pairs = params.outBlocks / 2u;
  let tilesX = (params.outW + POOLED - 1u) / POOLED;
  return params.batch * params.outH * tilesX * pairs;
}

fn convPoolTile(idx: u32) {
  let pairs = params.outBlocks / 2u;
  let tilesX = (params.outW + POOLED - 1u) / POOLED;
  let cblk = (idx % pairs) * 2u;
  let tile = idx / pairs; // (n·outH + py)·tilesX + tx
  let px0 = (tile % tilesX) * POOLED;
  let outRow = tile / tilesX; // n·outH + py
  let py = outRow % params.outH;
  let n = outRow / params.outH;
  let ox0 = px0 * 2u; // first conv column of the tile
  let b0 = bias[cblk];
  let b1 = bias[cblk + 1u];
  // m<pooled pixel><block>: the running max of pooled pixel px0 + q, channels 4·(cblk + b) .. +3.
  let zero = vec4f(0.0);
  var m00 = zero; var m01 = zero;
  var m10 = zero; var m11 = zero;
  var m20 = zero; var m21 = zero;
  var m30 = zero; var m31 = zero;
  for (var dy = 0u; dy < 2u; dy++) {
    let oy = py * 2u + dy;
    if (oy >= params.convH) {
      break; // 'same' padding, odd convH: the last window has one row
    }
    // row.a<p><b>: conv pixel ox0 + p of row oy, block b.
    let row = convRow8px8ch(n, oy, ox0, cblk);
    // Activate, then reduce conv columns 2q, 2q+1 (the second only where it exists).
    let h00 = pairMax(act4(row.a00 + b0), act4(row.a10 + b0), ox0 + 1u);
    let h01 = pairMax(act4(row.a01 + b1), act4(row.a11 + b1), ox0 + 1u);
    let h10 = pairMax(act4(row.a20 + b0), act4(row.a30 + b0), ox0 + 3u);
    let h11 = pairMax(act4(row.a21 + b1), act4(row.a31 + b1), ox0 + 3u);
    let h20 = pairMax(act4(row.a40 + b0), act4(row.a50 + b0), ox0 + 5u);
    let h21 = pairMax(act4(row.a41 + b1), act4(row.a51 + b1), ox0 + 5u);
    let h30 = pairMax(act4(row.a60 + b0), act4(row.a70 + b0), ox0 + 7u);
    let h31 = pairMax(act4(row.a61 + b1), act4(row.a71 + b1), ox0 + 7u);
    if (dy == 0u) {
      m00 = h00; m01 = h01; m10 = h10; m11 = h11; m20 = h20; m21 = h21; m30 = h30; m31 = h31;
    } else {
      m00 = max_nan4(m00, h00); m01 = max_nan4(m01, h01); m10 = max_nan4(m10, h10); m11 = max_nan4(m11, h11);
      m20 = max_nan4(m20, h20); m21 = max_nan4(m21, h21); m30 = max_nan4(m30, h30); m31 = max_nan4(m31, h31);
    }
  }
  let c0 = cblk * 4u; // first output channel of the tile
  let outBase = (outRow * params.outW + px0) * params.outC + c0;
  storePooled(outBase, c0, m00);
  storePooled(outBase + 4u, c0 + 4u, m01);
  if (px0 + 1u < params.outW) {
    storePooled(outBase + params.outC, c0, m10);
    storePooled(outBase + params.outC + 4u, c0 + 4u, m11);
  }
  if (px0 + 2u < params.outW) {
    storePooled(outBase + 2u * params.outC, c0, m20);
    storePooled(outBase + 2u * params.outC + 4u, c0 + 4u, m21);
  }
  if (px0 + 3u < params.outW) {
    storePooled(outBase + 3u * params.outC, c0, m30);
    storePooled(outBase + 3u * params.outC + 4u, c0 + 4u, m31);
  }
}

// Writes the lanes of one vec4 that exist (c + lane < outC); the pooled values are already activated.
fn storePooled(at: u32, c: u32, v: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c + l < params.outC) {
      output[at + l] = v[l];
    }
  }
}
