// Conv2D followed by a 2×2 stride-2 max pool, in one pass, for groups = 1 and inC NOT a multiple of
// 4 (an RGB stem; src/ops/conv2d-pool.ts selects it, src/compile/passes/fuse-pool.ts makes the node):
//   conv[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   out[n, py, px, co]  = max over oy ∈ {2py, 2py+1}, ox ∈ {2px, 2px+1} that exist (< convH, convW)
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
// Pool windows, activation before the max and the pooled epilogue: lib_conv2d_pool.wgsl (two
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
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_pool.wgsl (Params,
// bindings, the pooled tile and its epilogue), lib_tile_8x8.wgsl (accumulators),
// lib_conv2d_8px8ch.wgsl (tap loop and bounds), lib_conv2d_8px8ch_scalar.wgsl (scalar channel
// loop).

fn item(idx: u32) {
  convPoolTile(idx);
}
