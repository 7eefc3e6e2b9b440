// Register-blocked 3-D convolution, kernel rows 3 wide at stride 1 along x and stride 1 along y, any
// dilation (MeshNet's 3×3×3 layers after the first): conv3d_blocked_x3.wgsl's four x-voxels spaced
// by the dilation, in TWO output rows spaced by the y dilation (oy0 and oy0 + dH), so each weight,
// loaded once, serves eight voxels instead of four. Row oy0's tap ky reads input row y0 + ky·dH and
// row oy0 + dH's reads y0 + (ky + 1)·dH; both use the weight of tap ky. At most 8 output channels
// per pipeline: the host runs wider layers in blocks of ≤ 8 (ALL_C, C0: lib_conv3d_blocked.wgsl).
// Accumulators: accC for row oy0, bccC for row oy0 + dH (16 vec4 for 8 channels, as the others).
//
// Measured (kernel lab, SwiftShader, same runs): MeshNet 64³ 5 → 5 at dilation 4 in 107 ms against
// 132 on conv3d_blocked_x3.wgsl and 194 on conv3d_blocked.wgsl. Rejected: 3 rows (≤ 5 channels)
// and 4 rows (≤ 6 channels), each weight shared by more rows: no gain (5 → 5 at dilations 1 / 4 /
// 16, two runs at load ~10: 4 rows 224 / 247 / 194 and 333 / 203 / 262 ms, 3 rows 247 / 256 / 255
// and 220 / 269 / 264, this kernel 199 / 182 / 195 and 357 / 228 / 266); more accumulators spill,
// and more rows lie past the edge at large dilations (tiles of 3 or 4 rows spaced by 16).
// Channel blocks: model11's 64³ 11 → 11 as 6 + 5 ran 701–774 ms against 966–1219 on
// conv3d_blocked_x3.wgsl in one block at dilations 1–8 (two runs, same run each; 736 vs 764 once).
//
// Linked from: lib_flat_main.wgsl (entry point), lib_conv3d_blocked.wgsl (Params, bindings, items(),
// itemPlace(), storeChannel()); chosen by src/ops/conv3d.ts (kW = 3, strideW = strideH = 1).
//
// Bounds: planes outside the input are skipped; a kernel row is skipped when both output rows' input
// rows are outside, else an outside row reads a clamped, in-range row and `select` makes it 0, as
// out-of-range columns. Accuracy: the sums run over (kz, ky, ci, kx) in that order for every voxel
// wherever it lies (the order of conv3d_blocked_x3.wgsl), so a sub-volume of a tiled run gets the same bits.

const ROWS: u32 = 2u;

fn spacing() -> vec2u {
  return vec2u(params.dilationW, params.dilationH);
}

fn item(idx: u32) {
  let place = itemPlace(idx);
  let n = place.x;
  let oz = place.y;
  let oy = place.z;
  let ox0 = place.w;
  let dx = params.dilationW;
  let dy = i32(params.dilationH);

  let z0 = i32(oz * params.strideD) - i32(params.padFront);
  let y0 = i32(oy) - i32(params.padTop);
  // Input columns xs + j·dx, j = 0 .. 5: voxel p's tap kx reads column j = p + kx.
  let xs = i32(ox0) - i32(params.padLeft);
  let inW = i32(params.inW);
  let inH = i32(params.inH);
  let di = i32(dx);
  let ia = vec4i(xs) + vec4i(0, 1, 2, 3) * di;
  let ib = vec2i(xs) + vec2i(4, 5) * di;
  let ina = (ia >= vec4i(0)) & (ia < vec4i(inW));
  let inb = (ib >= vec2i(0)) & (ib < vec2i(inW));
  let ca = vec4u(clamp(ia, vec4i(0), vec4i(inW - 1)));
  let cb = vec2u(clamp(ib, vec2i(0), vec2i(inW - 1)));
  // Keras' layout [kz, ky, kx, ci, ALL_C]; this block's channels start at C0.
  let tapStride = IN_C * ALL_C;
  var acc0 = vec4f(0.0);
  var bcc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var bcc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var bcc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  var bcc3 = vec4f(0.0);
  var acc4 = vec4f(0.0);
  var bcc4 = vec4f(0.0);
  var acc5 = vec4f(0.0);
  var bcc5 = vec4f(0.0);
  var acc6 = vec4f(0.0);
  var bcc6 = vec4f(0.0);
  var acc7 = vec4f(0.0);
  var bcc7 = vec4f(0.0);
  for (var kz = 0u; kz < params.kD; kz++) {
    let iz = z0 + i32(kz * params.dilationD);
    if (iz < 0 || iz >= i32(params.inD)) {
      continue;
    }
    let planeBase = (n * params.inD + u32(iz)) * params.inH;
    for (var ky = 0u; ky < params.kH; ky++) {
      let iy0 = y0 + i32(ky) * dy;
      let iy1 = iy0 + dy;
      let in0 = iy0 >= 0 && iy0 < inH;
      let in1 = iy1 >= 0 && iy1 < inH;
      if (!in0 && !in1) {
        continue;
      }
      let rowBase0 = (planeBase + u32(clamp(iy0, 0, inH - 1))) * params.inW;
      let rowBase1 = (planeBase + u32(clamp(iy1, 0, inH - 1))) * params.inW;
      let ina0 = ina & vec4<bool>(in0);
      let inb0 = inb & vec2<bool>(in0);
      let ina1 = ina & vec4<bool>(in1);
      let inb1 = inb & vec2<bool>(in1);
      let ba0 = (vec4u(rowBase0) + ca) * IN_C;
      let bb0 = (vec2u(rowBase0) + cb) * IN_C;
      let ba1 = (vec4u(rowBase1) + ca) * IN_C;
      let bb1 = (vec2u(rowBase1) + cb) * IN_C;
      var w = (kz * params.kH + ky) * 3u * tapStride + C0;
      for (var ci = 0u; ci < IN_C; ci++) {
        let a = vec4f(
          select(0.0, input[ba0.x + ci], ina0.x),
          select(0.0, input[ba0.y + ci], ina0.y),
          select(0.0, input[ba0.z + ci], ina0.z),
          select(0.0, input[ba0.w + ci], ina0.w),
        );
        let b = vec2f(select(0.0, input[bb0.x + ci], inb0.x), select(0.0, input[bb0.y + ci], inb0.y));
        let e = vec4f(
          select(0.0, input[ba1.x + ci], ina1.x),
          select(0.0, input[ba1.y + ci], ina1.y),
          select(0.0, input[ba1.z + ci], ina1.z),
          select(0.0, input[ba1.w + ci], ina1.w),
        );
        let f = vec2f(select(0.0, input[bb1.x + ci], inb1.x), select(0.0, input[bb1.y + ci], inb1.y));
        let v0 = a;
        let v1 = vec4f(a.y, a.z, a.w, b.x);
        let v2 = vec4f(a.z, a.w, b.x, b.y);
        let u0 = e;
        let u1 = vec4f(e.y, e.z, e.w, f.x);
        let u2 = vec4f(e.z, e.w, f.x, f.y);
        { let k0 = kernel[w]; acc0 += v0 * k0; bcc0 += u0 * k0; }
        if (OUT_C > 1u) { let k1 = kernel[w + 1u]; acc1 += v0 * k1; bcc1 += u0 * k1; }
        if (OUT_C > 2u) { let k2 = kernel[w + 2u]; acc2 += v0 * k2; bcc2 += u0 * k2; }
        if (OUT_C > 3u) { let k3 = kernel[w + 3u]; acc3 += v0 * k3; bcc3 += u0 * k3; }
        if (OUT_C > 4u) { let k4 = kernel[w + 4u]; acc4 += v0 * k4; bcc4 += u0 * k4; }
        if (OUT_C > 5u) { let k5 = kernel[w + 5u]; acc5 += v0 * k5; bcc5 += u0 * k5; }
        if (OUT_C > 6u) { let k6 = kernel[w + 6u]; acc6 += v0 * k6; bcc6 += u0 * k6; }
        if (OUT_C > 7u) { let k7 = kernel[w + 7u]; acc7 += v0 * k7; bcc7 += u0 * k7; }
        { let k0 = kernel[w + tapStride]; acc0 += v1 * k0; bcc0 += u1 * k0; }
        if (OUT_C > 1u) { let k1 = kernel[w + tapStride + 1u]; acc1 += v1 * k1; bcc1 += u1 * k1; }
        if (OUT_C > 2u) { let k2 = kernel[w + tapStride + 2u]; acc2 += v1 * k2; bcc2 += u1 * k2; }
        if (OUT_C > 3u) { let k3 = kernel[w + tapStride + 3u]; acc3 += v1 * k3; bcc3 += u1 * k3; }
        if (OUT_C > 4u) { let k4 = kernel[w + tapStride + 4u]; acc4 += v1 * k4; bcc4 += u1 * k4; }
        if (OUT_C > 5u) { let k5 = kernel[w + tapStride + 5u]; acc5 += v1 * k5; bcc5 += u1 * k5; }
        if (OUT_C > 6u) { let k6 = kernel[w + tapStride + 6u]; acc6 += v1 * k6; bcc6 += u1 * k6; }
        if (OUT_C > 7u) { let k7 = kernel[w + tapStride + 7u]; acc7 += v1 * k7; bcc7 += u1 * k7; }
        { let k0 = kernel[w + 2u * tapStride]; acc0 += v2 * k0; bcc0 += u2 * k0; }
        if (OUT_C > 1u) { let k1 = kernel[w + 2u * tapStride + 1u]; acc1 += v2 * k1; bcc1 += u2 * k1; }
        if (OUT_C > 2u) { let k2 = kernel[w + 2u * tapStride + 2u]; acc2 += v2 * k2; bcc2 += u2 * k2; }
        if (OUT_C > 3u) { let k3 = kernel[w + 2u * tapStride + 3u]; acc3 += v2 * k3; bcc3 += u2 * k3; }
        if (OUT_C > 4u) { let k4 = kernel[w + 2u * tapStride + 4u]; acc4 += v2 * k4; bcc4 += u2 * k4; }
        if (OUT_C > 5u) { let k5 = kernel[w + 2u * tapStride + 5u]; acc5 += v2 * k5; bcc5 += u2 * k5; }
        if (OUT_C > 6u) { let k6 = kernel[w + 2u * tapStride + 6u]; acc6 += v2 * k6; bcc6 += u2 * k6; }
        if (OUT_C > 7u) { let k7 = kernel[w + 2u * tapStride + 7u]; acc7 += v2 * k7; bcc7 += u2 * k7; }
        w += ALL_C;
      }
    }
  }
  let outRow = (n * params.outD + oz) * params.outH + oy;
  let outBase = (outRow * params.outW + ox0) * ALL_C + C0;
  storeChannel(outBase, ox0, dx, 0u, acc0);
  if (OUT_C > 1u) { storeChannel(outBase, ox0, dx, 1u, acc1); }
  if (OUT_C > 2u) { storeChannel(outBase, ox0, dx, 2u, acc2); }
  if (OUT_C > 3u) { storeChannel(outBase, ox0, dx, 3u, acc3); }
  if (OUT_C > 4u) { storeChannel(outBase, ox0, dx, 4u, acc4); }
  if (OUT_C > 5u) { storeChannel(outBase, ox0, dx, 5u, acc5); }
  if (OUT_C > 6u) { storeChannel(outBase, ox0, dx, 6u, acc6); }
  if (OUT_C > 7u) { storeChannel(outBase, ox0, dx, 7u, acc7); }
  if (oy + params.dilationH < params.outH) {
    let outBase1 = outBase + params.dilationH * params.outW * ALL_C;
    storeChannel(outBase1, ox0, dx, 0u, bcc0);
    if (OUT_C > 1u) { storeChannel(outBase1, ox0, dx, 1u, bcc1); }
    if (OUT_C > 2u) { storeChannel(outBase1, ox0, dx, 2u, bcc2); }
    if (OUT_C > 3u) { storeChannel(outBase1, ox0, dx, 3u, bcc3); }
    if (OUT_C > 4u) { storeChannel(outBase1, ox0, dx, 4u, bcc4); }
    if (OUT_C > 5u) { storeChannel(outBase1, ox0, dx, 5u, bcc5); }
    if (OUT_C > 6u) { storeChannel(outBase1, ox0, dx, 6u, bcc6); }
    if (OUT_C > 7u) { storeChannel(outBase1, ox0, dx, 7u, bcc7); }
  }
}
