// Fragment: one kernel tap of the 4 px × 4 ch direct convolutions (conv2d_grouped, conv3d): the
// partial sums of FOUR x-adjacent output pixels for ONE channel block, with scalar input loads:
//   t_p = Σ_{ci < count} in[pixel p's column, chanOffset + ci] · kernel[w + ci·outBlocks],  p = 0..3
// Each weight vec4 serves four pixels and each input value four channels. The caller adds t_p to
// pixel p's total after the tap, so a long reduction is split into one short sum per tap (the
// accuracy argument of both kernels); the channels run in order.
//
// Bounds: pixel p's input column is x + p·strideW; an out-of-range column reads a clamped,
// in-range address and `select` turns the value into 0 (no out-of-bounds access, no 0 · inf = NaN).
//
// Provides: tap4px(). The including kernel defines `input: array<f32>`, `kernel: array<vec4f>` and
// params.inW, params.strideW, params.outBlocks.

// rowBase: the flat pixel index of column 0 of the input row (or row of a plane) the tap reads;
// x: pixel 0's input column (may be outside); cstride: channels per input pixel.
fn tap4px(rowBase: u32, x: i32, cstride: u32, chanOffset: u32, count: u32, w: u32) -> array<vec4f, 4> {
  let inW = i32(params.inW);
  let ix = vec4i(0, 1, 2, 3) * i32(params.strideW) + x;
  let inside = (ix >= vec4i(0)) & (ix < vec4i(inW));
  let col = vec4u(clamp(ix, vec4i(0), vec4i(inW - 1)));
  let base = (vec4u(rowBase) + col) * cstride + chanOffset;
  let blocks = params.outBlocks;
  var wc = w;
  var t0 = vec4f(0.0);
  var t1 = vec4f(0.0);
  var t2 = vec4f(0.0);
  var t3 = vec4f(0.0);
  for (var ci = 0u; ci < count; ci++) {
    let wv = kernel[wc];
    t0 += select(0.0, input[base.x + ci], inside.x) * wv;
    t1 += select(0.0, input[base.y + ci], inside.y) * wv;
    t2 += select(0.0, input[base.z + ci], inside.z) * wv;
    t3 += select(0.0, input[base.w + ci], inside.w) * wv;
    wc += blocks;
  }
  return array<vec4f, 4>(t0, t1, t2, t3);
}
