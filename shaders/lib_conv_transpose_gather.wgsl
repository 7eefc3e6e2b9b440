// Fragment: the gather loops of the transposed convolutions (conv2d_transpose.wgsl,
// conv3d_transpose.wgsl), over the taps of one kernel plane (2-D: the whole kernel).
//
// For output row oy only the taps ky ≡ (oy + padTop) mod strideH contribute (iy = (oy + padTop − ky)
// / strideH exactly), so the loop starts at that residue and steps by the stride: no tap is visited
// to be discarded; likewise x. Taps whose input row/column is past the input are skipped (the
// residue start keeps the numerator ≥ 0, checked as i32 anyway). Per tap, the ci loop reads input
// and weights contiguously (Keras' kernel [.., kH, kW, outC, inC] as stored) into a partial sum s
// that is added to the running acc, tap by tap in (ky, kx) order.
//
// Provides: gatherPlane(). The linking kernel defines Params with inH, inW, inC, outC, kH, kW,
// strideH, strideW, and binds `input` and `kernel`.

// acc plus every tap of kernel plane `kernelPlane` (3-D: kz·kH; 2-D: 0) for output channel co at
// (ty, tx) = (oy + padTop, ox + padLeft), reading the input plane whose first row is `inputPlane`
// (3-D: (n·inD + iz)·inH; 2-D: n·inH).
fn gatherPlane(acc0: f32, inputPlane: u32, kernelPlane: u32, ty: u32, tx: u32, co: u32) -> f32 {
  let C = params.inC;
  let F = params.outC;
  var acc = acc0;
  for (var ky = ty % params.strideH; ky < params.kH; ky += params.strideH) {
    let iy = i32(ty) - i32(ky);
    if (iy < 0 || u32(iy) / params.strideH >= params.inH) {
      continue;
    }
    let rowBase = (inputPlane + u32(iy) / params.strideH) * params.inW;
    for (var kx = tx % params.strideW; kx < params.kW; kx += params.strideW) {
      let ix = i32(tx) - i32(kx);
      if (ix < 0 || u32(ix) / params.strideW >= params.inW) {
        continue;
      }
      let inBase = (rowBase + u32(ix) / params.strideW) * C;
      let wBase = (((kernelPlane + ky) * params.kW + kx) * F + co) * C;
      var s = 0.0;
      for (var ci = 0u; ci < C; ci++) {
        s += input[inBase + ci] * kernel[wBase + ci];
      }
      acc += s;
    }
  }
  return acc;
}
