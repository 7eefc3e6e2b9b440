// Fragment: one invocation of conv2d_8px8ch_vec4 or conv2d_8px8ch_scalar (they differ only in their
// channel loop): find the tile of flat index idx (EIGHT adjacent output pixels ox0 .. ox0+7 of
// one output row × EIGHT output channels, two vec4 blocks), sum it (lib_conv2d_8px8ch.wgsl) and
// write it with the bias, residual and activation (lib_conv_store_8x8.wgsl). Consecutive
// invocations take consecutive channel pairs of the same pixels. Pixels past outW and channels
// past outC are computed and not written; invocations past the rounded-up dispatch never get here
// (items(), lib_flat_main.wgsl). The fused-pool kernels have their own invocation (lib_conv2d_pool.wgsl).
//
// Provides: PIXELS, items(), convTile8px8ch(). The including kernel links lib_flat_main.wgsl,
// lib_conv2d_params.wgsl, lib_tile_8x8.wgsl, lib_conv_store.wgsl, lib_conv_store_8x8.wgsl,
// lib_conv2d_8px8ch.wgsl and a channel loop, and calls convTile8px8ch from its item().

// Output pixels per invocation (the dispatch in src/ops/conv2d.ts counts tiles of this width).
const PIXELS: u32 = 8u;

// One item per tile.
fn items() -> u32 {
  let pairs = params.outBlocks / 2u;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  return params.batch * params.outH * tilesX * pairs;
}

fn convTile8px8ch(idx: u32) {
  let pairs = params.outBlocks / 2u;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  let cblk = (idx % pairs) * 2u;
  let tile = idx / pairs; // (n·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // n·outH + oy
  let t = convRow8px8ch(outRow / params.outH, outRow % params.outH, ox0, cblk);
  let c0 = cblk * 4u; // first output channel of the tile
  storeTile8x8((outRow * params.outW + ox0) * params.outC + c0, c0, params.outW - ox0, t, bias[cblk], bias[cblk + 1u]);
}
