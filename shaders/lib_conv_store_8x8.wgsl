// Fragment: the epilogue of an 8 × 8 tile (lib_tile_8x8.wgsl) whose rows are consecutive output
// pixels (conv2d_8px8ch_{vec4,scalar}: 8 pixels of one image row; conv2d_1x1: 8 flat pixels).
//
// Provides: storeTile8x8(). The including kernel links lib_tile_8x8.wgsl and lib_conv_store.wgsl
// (store(): residual, activation, channels past params.outC not written).

// Adds the bias (b0, b1: the tile's two channel blocks) and writes the first `rows` rows of tile t
// (the last tile of a row, or of the tensor, overhangs): row r at output[at + r·outC ..], channels
// c0 .. c0 + 7.
fn storeTile8x8(at: u32, c0: u32, rows: u32, t: Tile8x8, b0: vec4f, b1: vec4f) {
  let oc = params.outC;
  store(at, c0, t.a00 + b0);
  store(at + 4u, c0 + 4u, t.a01 + b1);
  if (1u < rows) {
    store(at + 1u * oc, c0, t.a10 + b0);
    store(at + 1u * oc + 4u, c0 + 4u, t.a11 + b1);
  }
  if (2u < rows) {
    store(at + 2u * oc, c0, t.a20 + b0);
    store(at + 2u * oc + 4u, c0 + 4u, t.a21 + b1);
  }
  if (3u < rows) {
    store(at + 3u * oc, c0, t.a30 + b0);
    store(at + 3u * oc + 4u, c0 + 4u, t.a31 + b1);
  }
  if (4u < rows) {
    store(at + 4u * oc, c0, t.a40 + b0);
    store(at + 4u * oc + 4u, c0 + 4u, t.a41 + b1);
  }
  if (5u < rows) {
    store(at + 5u * oc, c0, t.a50 + b0);
    store(at + 5u * oc + 4u, c0 + 4u, t.a51 + b1);
  }
  if (6u < rows) {
    store(at + 6u * oc, c0, t.a60 + b0);
    store(at + 6u * oc + 4u, c0 + 4u, t.a61 + b1);
  }
  if (7u < rows) {
    store(at + 7u * oc, c0, t.a70 + b0);
    store(at + 7u * oc + 4u, c0 + 4u, t.a71 + b1);
  }
}
