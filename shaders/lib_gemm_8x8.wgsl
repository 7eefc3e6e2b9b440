// Fragment: a register-blocked matrix product over vec4 rows, the body shared by conv2d_1x1 (a 1×1
// conv is [pixels, inC] × [inC, outC]), conv2d_transpose_tap (one product per tap) and
// conv2d_winograd_gemm (one per transform point):
//   tile[r][co] = Σ_{ci < 4·cin4} input[row r, ci] · kernel[ci, co],  8 rows × 8 channels (lib_tile_8x8.wgsl)
// Row r's input channels are input[r·cin4 ..] (vec4); the kernel is [inC][outBlocks] vec4.
// The input channels run in order, so the sums round exactly as before the split into fragments.
//
// Provides: gemm8x8(). The including kernel defines `input: array<vec4f>`, `kernel: array<vec4f>`
// and params.outBlocks, and links lib_tile_8x8.wgsl.

// The tile of rows row0 .. row0 + 7 over cin4 steps of 4 input channels, weights from kernel[w]
// (see mac8x8). Rows past lastRow (the last tile overhangs) read lastRow, in range; the caller does
// not write them.
fn gemm8x8(row0: u32, lastRow: u32, cin4: u32, w: u32) -> Tile8x8 {
  let last = vec4u(lastRow);
  let r0 = min(vec4u(row0) + vec4u(0u, 1u, 2u, 3u), last) * cin4;
  let r4 = min(vec4u(row0) + vec4u(4u, 5u, 6u, 7u), last) * cin4;
  let step = 4u * params.outBlocks;
  var t = Tile8x8();
  var wc = w;
  for (var c4 = 0u; c4 < cin4; c4++) {
    mac8x8(&t, input[r0.x + c4], input[r0.y + c4], input[r0.z + c4], input[r0.w + c4],
      input[r4.x + c4], input[r4.y + c4], input[r4.z + c4], input[r4.w + c4], wc);
    wc += step;
  }
  return t;
}
