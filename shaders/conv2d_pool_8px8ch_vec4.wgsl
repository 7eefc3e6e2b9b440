// Conv2D followed by a 2×2 stride-2 max pool, in one pass (groups = 1, inC a multiple of 4;
// src/ops/conv2d-pool.ts selects it, src/compile/passes/fuse-pool.ts makes the node):
//   conv[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   out[n, py, px, co]  = max over oy ∈ {2py, 2py+1}, ox ∈ {2px, 2px+1} that exist (< convH, convW)
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
// Pool windows, activation before the max and the pooled epilogue: lib_conv2d_pool.wgsl (two
// passes of an 8 conv pixels × 8 channels tile, one per conv row of the window).
//
// Work split: conv2d_8px8ch_vec4.wgsl's 8 × 8 tile (eight adjacent conv pixels × eight output channels,
// sixteen vec4 accumulators, vec4 input loads along channels) run twice, once for each conv row of
// the pool window; after each row the eight conv pixels are activated and reduced in pairs to the
// FOUR pooled pixels of the tile, kept in eight vec4 (m<pixel><block>) across the two rows.
// Consecutive invocations take consecutive channel pairs of the same pooled pixels.
//
// Weight layout and bounds: as conv2d_8px8ch_vec4.wgsl (padded HWIO kernel read as vec4, outC padded to
// a multiple of 8; clamped addresses + select for columns outside the input, rows outside skipped).
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_pool.wgsl (Params,
// bindings, the pooled tile and its epilogue), lib_tile_8x8.wgsl (accumulators),
// lib_conv2d_8px8ch.wgsl (tap loop and bounds), lib_conv2d_8px8ch_vec4.wgsl (vec4 channel loop).

fn item(idx: u32) {
  convPoolTile(idx);
}
