// 1×1 convolution with stride 1, no padding, groups = 1 and inC a multiple of 4, as a plain matrix
// product (src/ops/conv2d.ts selects it):
//   out[m, co] = activate(bias[co] + Σ_ci in[m, ci] · w[ci, co] + res[m, co]),  m < M = batch·H·W
// Channels-last makes the input an M × inC row-major matrix and the HWIO kernel an inC × outC one,
// so no pixel geometry is needed: no kernel taps, no bounds tests per tap, and a tile's pixels may
// run across image rows (the vec4 direct kernel pads every row to whole tiles of 4).
// res is the residual of a fused Add (src/compile/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Work split: one invocation computes 8 consecutive rows (pixels) × 8 output channels (two vec4
// blocks) in sixteen vec4 accumulators, the tile that won the A/B timings of conv2d_8px8ch_vec4.wgsl;
// per step of 4 input channels it loads 8 input vec4 and 8 weight vec4 for 256 multiply-adds. No workgroup memory (costly on SwiftShader, see
// bench/probes/matmul.wgsl). Rows past M (the last tile) read row M − 1 and are not written.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_params.wgsl (Params,
// bindings), lib_tile_8x8.wgsl + lib_gemm_8x8.wgsl (the register-blocked product),
// lib_conv_store.wgsl + lib_conv_store_8x8.wgsl (bias, residual, activation, the last partial
// tile).
//
// Weight layout: the kernel [inC, outC] with outC zero-padded by the host to a multiple of 8
// (outBlocks even), read as vec4: kernel[ci·outBlocks + cblk]; the bias is padded the same way.

@group(0) @binding(1) var<storage, read> input: array<vec4f>;

// Rows (pixels) per invocation (the dispatch in src/ops/conv2d.ts counts tiles of this height).
const ROWS: u32 = 8u;

fn items() -> u32 {
  let pairs = params.outBlocks / 2u;
  let m = params.batch * params.outH * params.outW;
  let tiles = (m + ROWS - 1u) / ROWS;
  return tiles * pairs;
}

fn item(idx: u32) {
  let pairs = params.outBlocks / 2u;
  let m = params.batch * params.outH * params.outW;
  let cblk = (idx % pairs) * 2u;
  let m0 = (idx / pairs) * ROWS;
  // Rows past the end read the last row (in range) and are not written.
  let t = gemm8x8(m0, m - 1u, params.inC / 4u, cblk);
  let c0 = cblk * 4u; // first output channel of the tile
  storeTile8x8(m0 * params.outC + c0, c0, m - m0, t, bias[cblk], bias[cblk + 1u]);
}
