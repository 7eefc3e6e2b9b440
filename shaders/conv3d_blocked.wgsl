// Register-blocked 3-D convolution for few output channels (MeshNet: 5 and 11 channels, 3×3×3
// kernels, dilations 1..16, 'same' padding), channels-last, with fused bias and activation:
//   out[n, oz, oy, ox, co] = activate(bias[co] + Σ_{kz, ky, kx, ci} in[n, iz, iy, ix, ci] · w[kz, ky, kx, ci, co])
//   iz = oz·strideD − padFront + kz·dilationD   (likewise iy, ix); taps outside the input read zero.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv3d_blocked.wgsl (Params,
// bindings, items(), itemPlace(), storeChannel()). src/ops/conv3d.ts picks this kernel when
// outC ≤ 16 and the layer is not one conv3d_blocked_x3(_2y).wgsl takes (kernel rows other than 3
// wide at stride 1: 1×1×1 heads, strided layers); conv3d.wgsl, 4 px × 4 ch, runs the rest.
//
// Work split: one invocation computes FOUR x-adjacent output voxels × ALL output channels. Each
// accumulator is a vec4 over the four voxels, one per output channel (acc0 .. acc15), so no lane
// is wasted on channels that do not exist (conv3d.wgsl pads 5 channels to 8 lanes) and each input
// value, loaded once, serves every output channel. OUT_C and IN_C are pipeline overrides: the
// channel guards below (`if (OUT_C > k)`) are resolved when the pipeline is compiled, and the
// channel loop has a constant trip count. The accumulators are named variables, not an array,
// because an array indexed in a loop lives in memory on SwiftShader.
//
// Weight layout: Keras' kernel [kD, kH, kW, inC, outC] as it is, read as scalars:
// kernel[(tap·IN_C + ci)·OUT_C + co]; every invocation reads the same weights in the same order.
// Reading them as vec4 blocks (outC padded to a multiple of 4, as conv3d.wgsl does) ran MeshNet's
// 5 → 5 layer at 1.48 GFLOP/s against 1.72 for scalars and its 11 → 11 layer at 2.05 against 2.78
// (kernel lab, same run, SwiftShader): a vec4 load costs four loads per invocation there, padding
// included. Specialising the file to exactly OUT_C channels (no guards) gained nothing: the guards
// on the override are resolved at pipeline creation. Eight voxels per invocation (two vec4
// accumulators per channel) ran 10–20 % slower than four (more live registers, and each input
// value still loaded once per voxel).
//
// Bounds: a kernel plane (kz) or row (ky) outside the input is skipped for all four voxels (they
// share iz and iy). Columns differ per voxel: an out-of-range column reads a clamped, in-range
// address and `select` turns the value into 0 (no out-of-bounds access, no 0 · inf = NaN, so a
// non-finite input reaches exactly the outputs whose window holds it). Voxels past outW are
// computed and not written.
//
// Accuracy: the sums run over the taps in order (kz, ky, kx, ci), the same order for every voxel
// wherever it lies in the tensor, so a voxel computed in a sub-volume (src/runtime/tiled-volume.ts)
// gets the same bits. MeshNet's reductions are short (27 taps × ≤ 16 channels).



const ROWS: u32 = 1u;

fn spacing() -> vec2u {
  return vec2u(1u, 1u);
}

fn item(idx: u32) {
  let place = itemPlace(idx);
  let n = place.x;
  let oz = place.y;
  let oy = place.z;
  let ox0 = place.w;
  let outRow = (n * params.outD + oz) * params.outH + oy;

  let z0 = i32(oz * params.strideD) - i32(params.padFront);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  // Input column of voxel p for kernel column kx: x0 + p·strideW + kx·dilationW.
  let x0 = vec4i(0, 1, 2, 3) * i32(params.strideW) + (i32(ox0 * params.strideW) - i32(params.padLeft));
  let inW = i32(params.inW);
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
      for (var kx = 0u; kx < params.kW; kx++) {
        let ix = x0 + vec4i(i32(kx * params.dilationW));
        let inside = (ix >= vec4i(0)) & (ix < vec4i(inW));
        let base = (vec4u(rowBase) + vec4u(clamp(ix, vec4i(0), vec4i(inW - 1)))) * IN_C;
        var w = (((kz * params.kH + ky) * params.kW + kx) * IN_C) * OUT_C;
        for (var ci = 0u; ci < IN_C; ci++) {
          let v = vec4f(
            select(0.0, input[base.x + ci], inside.x),
            select(0.0, input[base.y + ci], inside.y),
            select(0.0, input[base.z + ci], inside.z),
            select(0.0, input[base.w + ci], inside.w),
          );
          acc0 += v * kernel[w];
          if (OUT_C > 1u) { acc1 += v * kernel[w + 1u]; }
          if (OUT_C > 2u) { acc2 += v * kernel[w + 2u]; }
          if (OUT_C > 3u) { acc3 += v * kernel[w + 3u]; }
          if (OUT_C > 4u) { acc4 += v * kernel[w + 4u]; }
          if (OUT_C > 5u) { acc5 += v * kernel[w + 5u]; }
          if (OUT_C > 6u) { acc6 += v * kernel[w + 6u]; }
          if (OUT_C > 7u) { acc7 += v * kernel[w + 7u]; }
          if (OUT_C > 8u) { acc8 += v * kernel[w + 8u]; }
          if (OUT_C > 9u) { acc9 += v * kernel[w + 9u]; }
          if (OUT_C > 10u) { acc10 += v * kernel[w + 10u]; }
          if (OUT_C > 11u) { acc11 += v * kernel[w + 11u]; }
          if (OUT_C > 12u) { acc12 += v * kernel[w + 12u]; }
          if (OUT_C > 13u) { acc13 += v * kernel[w + 13u]; }
          if (OUT_C > 14u) { acc14 += v * kernel[w + 14u]; }
          if (OUT_C > 15u) { acc15 += v * kernel[w + 15u]; }
          w += OUT_C;
        }
      }
    }
  }
  let outBase = (outRow * params.outW + ox0) * ALL_C + C0;
  storeChannel(outBase, ox0, 1u, 0u, acc0);
  if (OUT_C > 1u) { storeChannel(outBase, ox0, 1u, 1u, acc1); }
  if (OUT_C > 2u) { storeChannel(outBase, ox0, 1u, 2u, acc2); }
  if (OUT_C > 3u) { storeChannel(outBase, ox0, 1u, 3u, acc3); }
  if (OUT_C > 4u) { storeChannel(outBase, ox0, 1u, 4u, acc4); }
  if (OUT_C > 5u) { storeChannel(outBase, ox0, 1u, 5u, acc5); }
  if (OUT_C > 6u) { storeChannel(outBase, ox0, 1u, 6u, acc6); }
  if (OUT_C > 7u) { storeChannel(outBase, ox0, 1u, 7u, acc7); }
  if (OUT_C > 8u) { storeChannel(outBase, ox0, 1u, 8u, acc8); }
  if (OUT_C > 9u) { storeChannel(outBase, ox0, 1u, 9u, acc9); }
  if (OUT_C > 10u) { storeChannel(outBase, ox0, 1u, 10u, acc10); }
  if (OUT_C > 11u) { storeChannel(outBase, ox0, 1u, 11u, acc11); }
  if (OUT_C > 12u) { storeChannel(outBase, ox0, 1u, 12u, acc12); }
  if (OUT_C > 13u) { storeChannel(outBase, ox0, 1u, 13u, acc13); }
  if (OUT_C > 14u) { storeChannel(outBase, ox0, 1u, 14u, acc14); }
  if (OUT_C > 15u) { storeChannel(outBase, ox0, 1u, 15u, acc15); }
}
