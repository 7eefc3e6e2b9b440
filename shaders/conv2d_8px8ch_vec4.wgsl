// Direct 2-D convolution for groups = 1 and inC a multiple of 4 (src/ops/conv2d.ts selects it):
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co] + res[n, oy, ox, co])
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero;
//   res is the residual of a fused Add (src/compile/passes/fuse-add.ts) when RESIDUAL = 1, else 0;
//   RESIDUAL = 2 adds it after the activation instead: activate(...) + res.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_params.wgsl (Params,
// bindings), lib_tile_8x8.wgsl (accumulators, mac8x8), lib_conv2d_8px8ch.wgsl (tap loop and
// bounds), lib_conv2d_8px8ch_vec4.wgsl (vec4 channel loop), lib_conv_store.wgsl +
// lib_conv_store_8x8.wgsl (bias, residual, activation, partial tiles), lib_conv2d_tile.wgsl (the
// invocation's tile).
//
// Work split: one invocation computes an 8 × 8 tile: EIGHT consecutive output channels (two vec4
// channel blocks) of EIGHT horizontally adjacent output pixels ox0 .. ox0+7, in sixteen vec4
// accumulators. The input is read as vec4 along channels (channels-last, inC % 4 = 0, so a pixel's
// channels start on a vec4 boundary): per step of 4 input channels it loads 8 input vec4 (one per
// pixel) and 8 weight vec4 (4 channels × 2 blocks) for 256 multiply-adds, 16 per vec4 load,
// against 3.2 for conv2d_grouped.wgsl's scalar input loads. Consecutive invocations take consecutive
// channel pairs of the same pixels. Measured on SwiftShader (same-run A/B, 3×3 convs of the malaria
// ResNet): 8 px × 8 ch ran 1.2–2× faster than 4×8, 4×16, 8×4, 8×16, 12×8 and 16×8 (tiles with
// more accumulators were slower); pixel-major invocation order was no better. No workgroup memory: on SwiftShader barriers cost more than the loads they
// would save (bench/probes/matmul.wgsl).
//
// Weight layout: Keras' HWIO kernel [kH, kW, inC, outC] with outC zero-padded by the host to a
// multiple of 8 (outBlocks even), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk].
// The bias is padded the same way.
//
// Bounds: a kernel row outside the input is skipped for all eight pixels (they share iy); columns
// differ per pixel, so out-of-range columns read a clamped, in-range address and `select` turns
// the vec4 into 0 (no out-of-bounds access, no 0 · inf = NaN). Pixels past outW and channels past
// outC are computed and not written. Invocations past the rounded-up dispatch return at once.
//
// Accuracy: each vec4 step sums 4 products before adding to the accumulator, so a reduction of K
// terms takes K / 4 accumulator roundings.

fn item(idx: u32) {
  convTile8px8ch(idx);
}
