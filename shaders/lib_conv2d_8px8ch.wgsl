// Fragment: the direct-conv loop of the 8 px × 8 ch kernels (conv2d_8px8ch_{vec4,scalar} and the
// fused pools conv2d_pool_8px8ch_{vec4,scalar}): one conv row's tile of EIGHT horizontally
// adjacent output pixels ox0 .. ox0+7 × EIGHT output channels (lib_tile_8x8.wgsl), summed over
// the kernel taps (ky, kx) in order:
//   tile[p][co] = Σ_{ky, kx, ci} in[n, iy, ix_p, ci] · w[ky, kx, ci, co]
//   iy = oy·strideH − padTop + ky·dilationH,  ix_p = (ox0 + p)·strideW − padLeft + kx·dilationW
//
// Bounds: a kernel row outside the input is skipped for all eight pixels (they share iy); columns
// differ per pixel, so an out-of-range column gets a clamped, in-range pixel address and a false
// `inside` lane, and the loads select 0 for it (no out-of-bounds access, no 0 · inf = NaN).
//
// Provides: convRow8px8ch(). The including kernel defines params (inH, inW, inC, kH, kW, strideH,
// strideW, dilationH, dilationW, padTop, padLeft, outBlocks) and the per-tap channel loop
// tap8px8ch(t, pix0, in0, pix4, in4, w): it adds one tap's Σ_ci for pixels 0-3 (pixel addresses
// pix0, `inside` mask in0) and 4-7 (pix4, in4), weights from kernel[w] (blocks w, w + 1), one input
// channel per outBlocks vec4 (lib_conv2d_8px8ch_vec4.wgsl and lib_conv2d_8px8ch_scalar.wgsl).

// The tile of output row oy of image n, pixels ox0 .. ox0 + 7, channel blocks cblk and cblk + 1.
fn convRow8px8ch(n: u32, oy: u32, ox0: u32, cblk: u32) -> Tile8x8 {
  let inW = i32(params.inW);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let sx = i32(params.strideW);
  var t = Tile8x8();
  for (var ky = 0u; ky < params.kH; ky++) {
    let iy = y0 + i32(ky * params.dilationH);
    if (iy < 0 || iy >= i32(params.inH)) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy)) * params.inW;
    for (var kx = 0u; kx < params.kW; kx++) {
      // Input column of pixel p: x0 + p·strideW + kx·dilationW, in two vec4i of four pixels.
      let ix0 = vec4i(0, 1, 2, 3) * sx + (x0 + i32(kx * params.dilationW));
      let in0 = (ix0 >= vec4i(0)) & (ix0 < vec4i(inW));
      let pix0 = vec4u(rowBase) + vec4u(clamp(ix0, vec4i(0), vec4i(inW - 1)));
      let ix4 = vec4i(4, 5, 6, 7) * sx + (x0 + i32(kx * params.dilationW));
      let in4 = (ix4 >= vec4i(0)) & (ix4 < vec4i(inW));
      let pix4 = vec4u(rowBase) + vec4u(clamp(ix4, vec4i(0), vec4i(inW - 1)));
      tap8px8ch(&t, pix0, in0, pix4, in4, (ky * params.kW + kx) * params.inC * params.outBlocks + cblk);
    }
  }
  return t;
}
