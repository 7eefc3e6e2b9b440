// Direct 2-D convolution for groups = 1 and inC NOT a multiple of 4 (e.g. an RGB stem; src/ops/conv2d.ts
// selects it):
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co] + res[n, oy, ox, co])
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero;
//   res is the residual of a fused Add (src/compile/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_params.wgsl (Params,
// bindings), lib_tile_8x8.wgsl (accumulators), lib_conv2d_8px8ch.wgsl (tap loop and bounds),
// lib_conv2d_8px8ch_scalar.wgsl (scalar channel loop), lib_conv_store.wgsl +
// lib_conv_store_8x8.wgsl (bias, residual, activation, partial tiles), lib_conv2d_tile.wgsl (the
// invocation's tile).
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

fn item(idx: u32) {
  convTile8px8ch(idx);
}
