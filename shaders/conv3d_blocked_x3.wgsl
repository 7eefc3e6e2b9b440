// Register-blocked 3-D convolution for kernel rows 3 wide at stride 1 along x, at any dilation,
// where the stride in y is not 1 (conv3d_blocked_x3_2y.wgsl, this in two rows, takes stride 1 in
// y: all of MeshNet's 3×3×3 layers). Above 16 output channels the host runs it once per block of
// ≤ 16 (ALL_C, C0: lib_conv3d_blocked.wgsl):
// conv3d_blocked.wgsl's work split (4 output voxels × all ≤ 16 output channels per invocation,
// weights as scalars in Keras' layout) with the input columns of a kernel row loaded once and shared
// by its three taps. The invocation's four voxels are spaced by the x dilation d (ox0, ox0 + d,
// ox0 + 2d, ox0 + 3d), so voxel p's tap kx reads column xs + (p + kx)·d and the four voxels' three
// taps read the six columns xs, xs + d, .., xs + 5d: 6 loads per channel instead of 12, at every
// dilation. lib_conv3d_blocked.wgsl lays out the tiles of a row (groups of 4d columns).
//
// Measured (kernel lab, SwiftShader, same run): at dilation 1 (x-adjacent voxels, the first form
// of this file) MeshNet 64³ 5 → 5 ran 1.42 GFLOP/s against 0.85 on conv3d_blocked.wgsl (1.6×).
// Sharing at dilation 2 with x-ADJACENT voxels (8 columns for 12 loads), tried in
// conv3d_blocked.wgsl behind a branch, gained nothing measurable and slowed the other dilations by
// ~20 %; spacing the voxels by the dilation (6 columns at every dilation) instead ran model11's
// 11 → 11 layer at dilation 2 in 521 ms against 962 on conv3d_blocked.wgsl, and model5's 5 → 5 at
// dilation 4 in 132 against 194 (same runs).
//
// Linked from: lib_flat_main.wgsl (entry point), lib_conv3d_blocked.wgsl (Params, bindings, items(),
// itemPlace(), storeChannel()); chosen by src/ops/conv3d.ts (kW = 3, strideW = 1). Channel blocks:
// MeshNet model18cls's 64³ 21 → 21 at dilation 2 as 11 + 10 ran 2432 ms against 3377 on conv3d.wgsl.
//
// Bounds as conv3d_blocked.wgsl: planes and rows outside the input are skipped, an out-of-range
// column reads a clamped address and `select` makes it 0. Accuracy: the sums run over (kz, ky, ci,
// kx) in that order for every voxel wherever it lies, so a sub-volume of a tiled run gets the same bits.

const ROWS: u32 = 1u;

fn spacing() -> vec2u {
  return vec2u(params.dilationW, 1u);
}

fn item(idx: u32) {
  let place = itemPlace(idx);
  let n = place.x;
  let oz = place.y;
  let oy = place.z;
  let ox0 = place.w;
  let outRow = (n * params.outD + oz) * params.outH + oy;
  let d = params.dilationW;

  let z0 = i32(oz * params.strideD) - i32(params.padFront);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  // Input columns xs + j·d, j = 0 .. 5: voxel p's tap kx reads column j = p + kx.
  let xs = i32(ox0) - i32(params.padLeft);
  let inW = i32(params.inW);
  let di = i32(d);
  let ia = vec4i(xs) + vec4i(0, 1, 2, 3) * di;
  let ib = vec2i(xs) + vec2i(4, 5) * di;
  let ina = (ia >= vec4i(0)) & (ia < vec4i(inW));
  let inb = (ib >= vec2i(0)) & (ib < vec2i(inW));
  let ca = vec4u(clamp(ia, vec4i(0), vec4i(inW - 1)));
  let cb = vec2u(clamp(ib, vec2i(0), vec2i(inW - 1)));
  // Keras' layout [kz, ky, kx, ci, ALL_C]; this block's channels start at C0.
  let tapStride = IN_C * ALL_C;
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var acc4 = vec4f(0.0);
  var acc5 = vec4f(0.0);
  var acc6 = vec4f(0.0);
  var acc7 = vec4f(0.0);
  var acc8 = vec4f(0.0);
  var acc9 = vec4f(0.0);
  var acc10 = vec4f(0.0);
  var acc11 = vec4f(0.0);
  var acc12 = vec4f(0.0);
  var acc13 = vec4f(0.0);
  var acc14 = vec4f(0.0);
  var acc15 = vec4f(0.0);
  for (var kz = 0u; kz < params.kD; kz++) {
    let iz = z0 + i32(kz * params.dilationD);
    if (iz < 0 || iz >= i32(params.inD)) {
      continue;
    }
    for (var ky = 0u; ky < params.kH; ky++) {
      let iy = y0 + i32(ky * params.dilationH);
      if (iy < 0 || iy >= i32(params.inH)) {
        continue;
      }
      let rowBase = ((n * params.inD + u32(iz)) * params.inH + u32(iy)) * params.inW;
      let ba = (vec4u(rowBase) + ca) * IN_C;
      let bb = (vec2u(rowBase) + cb) * IN_C;
      var w = (kz * params.kH + ky) * 3u * tapStride + C0;
      for (var ci = 0u; ci < IN_C; ci++) {
        let a = vec4f(
          select(0.0, input[ba.x + ci], ina.x),
          select(0.0, input[ba.y + ci], ina.y),
          select(0.0, input[ba.z + ci], ina.z),
          select(0.0, input[ba.w + ci], ina.w),
        );
        let b = vec2f(select(0.0, input[bb.x + ci], inb.x), select(0.0, input[bb.y + ci], inb.y));
        let v0 = a;
        let v1 = vec4f(a.y, a.z, a.w, b.x);
        let v2 = vec4f(a.z, a.w, b.x, b.y);
        acc0 += v0 * kernel[w];
        if (OUT_C > 1u) { acc1 += v0 * kernel[w + 1u]; }
        if (OUT_C > 2u) { acc2 += v0 * kernel[w + 2u]; }
        if (OUT_C > 3u) { acc3 += v0 * kernel[w + 3u]; }
        if (OUT_C > 4u) { acc4 += v0 * kernel[w + 4u]; }
        if (OUT_C > 5u) { acc5 += v0 * kernel[w + 5u]; }
        if (OUT_C > 6u) { acc6 += v0 * kernel[w + 6u]; }
        if (OUT_C > 7u) { acc7 += v0 * kernel[w + 7u]; }
        if (OUT_C > 8u) { acc8 += v0 * kernel[w + 8u]; }
        if (OUT_C > 9u) { acc9 += v0 * kernel[w + 9u]; }
        if (OUT_C > 10u) { acc10 += v0 * kernel[w + 10u]; }
        if (OUT_C > 11u) { acc11 += v0 * kernel[w + 11u]; }
        if (OUT_C > 12u) { acc12 += v0 * kernel[w + 12u]; }
        if (OUT_C > 13u) { acc13 += v0 * kernel[w + 13u]; }
        if (OUT_C > 14u) { acc14 += v0 * kernel[w + 14u]; }
        if (OUT_C > 15u) { acc15 += v0 * kernel[w + 15u]; }
        acc0 += v1 * kernel[w + tapStride];
        if (OUT_C > 1u) { acc1 += v1 * kernel[w + tapStride + 1u]; }
        if (OUT_C > 2u) { acc2 += v1 * kernel[w + tapStride + 2u]; }
        if (OUT_C > 3u) { acc3 += v1 * kernel[w + tapStride + 3u]; }
        if (OUT_C > 4u) { acc4 += v1 * kernel[w + tapStride + 4u]; }
        if (OUT_C > 5u) { acc5 += v1 * kernel[w + tapStride + 5u]; }
        if (OUT_C > 6u) { acc6 += v1 * kernel[w + tapStride + 6u]; }
        if (OUT_C > 7u) { acc7 += v1 * kernel[w + tapStride + 7u]; }
        if (OUT_C > 8u) { acc8 += v1 * kernel[w + tapStride + 8u]; }
        if (OUT_C > 9u) { acc9 += v1 * kernel[w + tapStride + 9u]; }
        if (OUT_C > 10u) { acc10 += v1 * kernel[w + tapStride + 10u]; }
        if (OUT_C > 11u) { acc11 += v1 * kernel[w + tapStride + 11u]; }
        if (OUT_C > 12u) { acc12 += v1 * kernel[w + tapStride + 12u]; }
        if (OUT_C > 13u) { acc13 += v1 * kernel[w + tapStride + 13u]; }
        if (OUT_C > 14u) { acc14 += v1 * kernel[w + tapStride + 14u]; }
        if (OUT_C > 15u) { acc15 += v1 * kernel[w + tapStride + 15u]; }
        acc0 += v2 * kernel[w + 2u * tapStride];
        if (OUT_C > 1u) { acc1 += v2 * kernel[w + 2u * tapStride + 1u]; }
        if (OUT_C > 2u) { acc2 += v2 * kernel[w + 2u * tapStride + 2u]; }
        if (OUT_C > 3u) { acc3 += v2 * kernel[w + 2u * tapStride + 3u]; }
        if (OUT_C > 4u) { acc4 += v2 * kernel[w + 2u * tapStride + 4u]; }
        if (OUT_C > 5u) { acc5 += v2 * kernel[w + 2u * tapStride + 5u]; }
        if (OUT_C > 6u) { acc6 += v2 * kernel[w + 2u * tapStride + 6u]; }
        if (OUT_C > 7u) { acc7 += v2 * kernel[w + 2u * tapStride + 7u]; }
        if (OUT_C > 8u) { acc8 += v2 * kernel[w + 2u * tapStride + 8u]; }
        if (OUT_C > 9u) { acc9 += v2 * kernel[w + 2u * tapStride + 9u]; }
        if (OUT_C > 10u) { acc10 += v2 * kernel[w + 2u * tapStride + 10u]; }
        if (OUT_C > 11u) { acc11 += v2 * kernel[w + 2u * tapStride + 11u]; }
        if (OUT_C > 12u) { acc12 += v2 * kernel[w + 2u * tapStride + 12u]; }
        if (OUT_C > 13u) { acc13 += v2 * kernel[w + 2u * tapStride + 13u]; }
        if (OUT_C > 14u) { acc14 += v2 * kernel[w + 2u * tapStride + 14u]; }
        if (OUT_C > 15u) { acc15 += v2 * kernel[w + 2u * tapStride + 15u]; }
        w += ALL_C;
      }
    }
  }
  let outBase = (outRow * params.outW + ox0) * ALL_C + C0;
  storeChannel(outBase, ox0, d, 0u, acc0);
  if (OUT_C > 1u) { storeChannel(outBase, ox0, d, 1u, acc1); }
  if (OUT_C > 2u) { storeChannel(outBase, ox0, d, 2u, acc2); }
  if (OUT_C > 3u) { storeChannel(outBase, ox0, d, 3u, acc3); }
  if (OUT_C > 4u) { storeChannel(outBase, ox0, d, 4u, acc4); }
  if (OUT_C > 5u) { storeChannel(outBase, ox0, d, 5u, acc5); }
  if (OUT_C > 6u) { storeChannel(outBase, ox0, d, 6u, acc6); }
  if (OUT_C > 7u) { storeChannel(outBase, ox0, d, 7u, acc7); }
  if (OUT_C > 8u) { storeChannel(outBase, ox0, d, 8u, acc8); }
  if (OUT_C > 9u) { storeChannel(outBase, ox0, d, 9u, acc9); }
  if (OUT_C > 10u) { storeChannel(outBase, ox0, d, 10u, acc10); }
  if (OUT_C > 11u) { storeChannel(outBase, ox0, d, 11u, acc11); }
  if (OUT_C > 12u) { storeChannel(outBase, ox0, d, 12u, acc12); }
  if (OUT_C > 13u) { storeChannel(outBase, ox0, d, 13u, acc13); }
  if (OUT_C > 14u) { storeChannel(outBase, ox0, d, 14u, acc14); }
  if (OUT_C > 15u) { storeChannel(outBase, ox0, d, 15u, acc15); }
}
