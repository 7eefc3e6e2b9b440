// conv3d_blocked_x3_2y.wgsl's work split (4 x-voxels spaced by the dilation × 2 rows spaced by the
// y dilation × ≤ 8 output channels) for 3×3×3 layers of ONE input channel (MeshNet's first layer),
// with every weight read at a CONSTANT index: the kernel planes and rows are spelled out as calls
// with literal arguments (kernelPlane(0u..2u) → kernelRow(kz·3 + ky)) instead of loops, so once the
// pipeline's optimiser has inlined them and OUT_C is fixed, each weight index is a constant. On
// SwiftShader a load at a constant index is one load for all lanes, a load at a computed index (a
// loop variable) one per invocation; with one input channel the 27 taps' weights are most of the
// loads. The accumulators are module-scope private variables so that the helpers can add to them.
//
// Measured (kernel lab, SwiftShader, same runs, load ~9): MeshNet 64³ 1 → 5 in 76 / 51 ms against
// 122 / 143 on conv3d_blocked_x3_2y.wgsl (1.6–2.8×). The same spelling-out for up to 8 input
// channels (channelTaps(row, 0u..7u) behind IN_C guards) ran the 5 → 5 layers 2.2–2.9× SLOWER than
// conv3d_blocked_x3_2y.wgsl (658 against 227 ms at dilation 1, 464 against 209 at dilation 4): 45
// inlined copies of the channel body instead of a loop; so this kernel takes one channel only.
// In channel blocks (more than 8 output channels, one pipeline per block): model11's 64³ 1 → 11 as
// 6 + 5 ran 91–96 ms against 289–295 on conv3d_blocked_x3.wgsl (two runs, same run each).
//
// Linked from: lib_flat_main.wgsl (entry point), lib_conv3d_blocked.wgsl (Params, bindings, items(),
// itemPlace(), storeChannel()); chosen by src/ops/conv3d.ts (3×3×3, strides 1, 1 input channel,
// any number of output channels, in blocks of ≤ 8: ALL_C and C0 of lib_conv3d_blocked.wgsl).
//
// Bounds and accuracy as conv3d_blocked_x3_2y.wgsl: planes outside the input are skipped, a kernel
// row is skipped when both output rows' input rows are outside, an outside row or column reads a
// clamped address and `select` makes it 0; the sums run over (kz, ky, kx) in that order for every
// voxel wherever it lies.

const ROWS: u32 = 2u;

fn spacing() -> vec2u {
  return vec2u(params.dilationW, params.dilationH);
}

var<private> acc0: vec4f;
var<private> bcc0: vec4f;
var<private> acc1: vec4f;
var<private> bcc1: vec4f;
var<private> acc2: vec4f;
var<private> bcc2: vec4f;
var<private> acc3: vec4f;
var<private> bcc3: vec4f;
var<private> acc4: vec4f;
var<private> bcc4: vec4f;
var<private> acc5: vec4f;
var<private> bcc5: vec4f;
var<private> acc6: vec4f;
var<private> bcc6: vec4f;
var<private> acc7: vec4f;
var<private> bcc7: vec4f;
// The six input columns' clamped offsets and whether each is inside the input.
var<private> ca: vec4u;
var<private> cb: vec2u;
var<private> ina: vec4<bool>;
var<private> inb: vec2<bool>;
// The item's first voxel, relative to the padded input.
var<private> planeZ0: i32;
var<private> rowY0: i32;
var<private> batchN: u32;

// Kernel row `row` (kz·3 + ky): its 3 taps × OUT_C channels for both output rows.
fn rowTaps(row: u32, ba0: vec4u, bb0: vec2u, ba1: vec4u, bb1: vec2u, in0: bool, in1: bool) {
  let ina0 = ina & vec4<bool>(in0);
  let inb0 = inb & vec2<bool>(in0);
  let ina1 = ina & vec4<bool>(in1);
  let inb1 = inb & vec2<bool>(in1);
  let a = vec4f(
    select(0.0, input[ba0.x], ina0.x),
    select(0.0, input[ba0.y], ina0.y),
    select(0.0, input[ba0.z], ina0.z),
    select(0.0, input[ba0.w], ina0.w),
  );
  let b = vec2f(select(0.0, input[bb0.x], inb0.x), select(0.0, input[bb0.y], inb0.y));
  let e = vec4f(
    select(0.0, input[ba1.x], ina1.x),
    select(0.0, input[ba1.y], ina1.y),
    select(0.0, input[ba1.z], ina1.z),
    select(0.0, input[ba1.w], ina1.w),
  );
  let f = vec2f(select(0.0, input[bb1.x], inb1.x), select(0.0, input[bb1.y], inb1.y));
  let v0 = a;
  let v1 = vec4f(a.y, a.z, a.w, b.x);
  let v2 = vec4f(a.z, a.w, b.x, b.y);
  let u0 = e;
  let u1 = vec4f(e.y, e.z, e.w, f.x);
  let u2 = vec4f(e.z, e.w, f.x, f.y);
  // Keras' layout [kz, ky, kx, 1, ALL_C]: tap (row, kx) starts at (row·3 + kx)·ALL_C; this block's
  // channels at C0.
  let tapStride = ALL_C;
  let w = row * 3u * ALL_C + C0;
  { let k = kernel[w]; acc0 += v0 * k; bcc0 += u0 * k; }
  if (OUT_C > 1u) { let k = kernel[w + 1u]; acc1 += v0 * k; bcc1 += u0 * k; }
  if (OUT_C > 2u) { let k = kernel[w + 2u]; acc2 += v0 * k; bcc2 += u0 * k; }
  if (OUT_C > 3u) { let k = kernel[w + 3u]; acc3 += v0 * k; bcc3 += u0 * k; }
  if (OUT_C > 4u) { let k = kernel[w + 4u]; acc4 += v0 * k; bcc4 += u0 * k; }
  if (OUT_C > 5u) { let k = kernel[w + 5u]; acc5 += v0 * k; bcc5 += u0 * k; }
  if (OUT_C > 6u) { let k = kernel[w + 6u]; acc6 += v0 * k; bcc6 += u0 * k; }
  if (OUT_C > 7u) { let k = kernel[w + 7u]; acc7 += v0 * k; bcc7 += u0 * k; }
  { let k = kernel[w + 1u * tapStride]; acc0 += v1 * k; bcc0 += u1 * k; }
  if (OUT_C > 1u) { let k = kernel[w + 1u * tapStride + 1u]; acc1 += v1 * k; bcc1 += u1 * k; }
  if (OUT_C > 2u) { let k = kernel[w + 1u * tapStride + 2u]; acc2 += v1 * k; bcc2 += u1 * k; }
  if (OUT_C > 3u) { let k = kernel[w + 1u * tapStride + 3u]; acc3 += v1 * k; bcc3 += u1 * k; }
  if (OUT_C > 4u) { let k = kernel[w + 1u * tapStride + 4u]; acc4 += v1 * k; bcc4 += u1 * k; }
  if (OUT_C > 5u) { let k = kernel[w + 1u * tapStride + 5u]; acc5 += v1 * k; bcc5 += u1 * k; }
  if (OUT_C > 6u) { let k = kernel[w + 1u * tapStride + 6u]; acc6 += v1 * k; bcc6 += u1 * k; }
  if (OUT_C > 7u) { let k = kernel[w + 1u * tapStride + 7u]; acc7 += v1 * k; bcc7 += u1 * k; }
  { let k = kernel[w + 2u * tapStride]; acc0 += v2 * k; bcc0 += u2 * k; }
  if (OUT_C > 1u) { let k = kernel[w + 2u * tapStride + 1u]; acc1 += v2 * k; bcc1 += u2 * k; }
  if (OUT_C > 2u) { let k = kernel[w + 2u * tapStride + 2u]; acc2 += v2 * k; bcc2 += u2 * k; }
  if (OUT_C > 3u) { let k = kernel[w + 2u * tapStride + 3u]; acc3 += v2 * k; bcc3 += u2 * k; }
  if (OUT_C > 4u) { let k = kernel[w + 2u * tapStride + 4u]; acc4 += v2 * k; bcc4 += u2 * k; }
  if (OUT_C > 5u) { let k = kernel[w + 2u * tapStride + 5u]; acc5 += v2 * k; bcc5 += u2 * k; }
  if (OUT_C > 6u) { let k = kernel[w + 2u * tapStride + 6u]; acc6 += v2 * k; bcc6 += u2 * k; }
  if (OUT_C > 7u) { let k = kernel[w + 2u * tapStride + 7u]; acc7 += v2 * k; bcc7 += u2 * k; }
}

// Kernel row `row` = kz·3 + ky at input plane iz (inside the input): both output rows' input rows,
// skipped when both are outside.
fn kernelRow(row: u32, iz: i32) {
  let dy = i32(params.dilationH);
  let inH = i32(params.inH);
  let iy0 = rowY0 + i32(row % 3u) * dy;
  let iy1 = iy0 + dy;
  let in0 = iy0 >= 0 && iy0 < inH;
  let in1 = iy1 >= 0 && iy1 < inH;
  if (!in0 && !in1) {
    return;
  }
  let planeBase = (batchN * params.inD + u32(iz)) * params.inH;
  let rowBase0 = (planeBase + u32(clamp(iy0, 0, inH - 1))) * params.inW;
  let rowBase1 = (planeBase + u32(clamp(iy1, 0, inH - 1))) * params.inW;
  let ba0 = vec4u(rowBase0) + ca;
  let bb0 = vec2u(rowBase0) + cb;
  let ba1 = vec4u(rowBase1) + ca;
  let bb1 = vec2u(rowBase1) + cb;
  rowTaps(row, ba0, bb0, ba1, bb1, in0, in1);
}

// Kernel plane kz: its three rows, when the plane is inside the input.
fn kernelPlane(kz: u32) {
  let iz = planeZ0 + i32(kz * params.dilationD);
  if (iz < 0 || iz >= i32(params.inD)) {
    return;
  }
  kernelRow(kz * 3u, iz);
  kernelRow(kz * 3u + 1u, iz);
  kernelRow(kz * 3u + 2u, iz);
}

fn item(idx: u32) {
  let place = itemPlace(idx);
  let n = place.x;
  let oz = place.y;
  let oy = place.z;
  let ox0 = place.w;
  let dx = params.dilationW;
  batchN = n;
  planeZ0 = i32(oz) - i32(params.padFront);
  rowY0 = i32(oy) - i32(params.padTop);
  // Input columns xs + j·dx, j = 0 .. 5: voxel p's tap kx reads column j = p + kx.
  let xs = i32(ox0) - i32(params.padLeft);
  let inW = i32(params.inW);
  let di = i32(dx);
  let ia = vec4i(xs) + vec4i(0, 1, 2, 3) * di;
  let ib = vec2i(xs) + vec2i(4, 5) * di;
  ina = (ia >= vec4i(0)) & (ia < vec4i(inW));
  inb = (ib >= vec2i(0)) & (ib < vec2i(inW));
  ca = vec4u(clamp(ia, vec4i(0), vec4i(inW - 1)));
  cb = vec2u(clamp(ib, vec2i(0), vec2i(inW - 1)));
  acc0 = vec4f(0.0);
  bcc0 = vec4f(0.0);
  acc1 = vec4f(0.0);
  bcc1 = vec4f(0.0);
  acc2 = vec4f(0.0);
  bcc2 = vec4f(0.0);
  acc3 = vec4f(0.0);
  bcc3 = vec4f(0.0);
  acc4 = vec4f(0.0);
  bcc4 = vec4f(0.0);
  acc5 = vec4f(0.0);
  bcc5 = vec4f(0.0);
  acc6 = vec4f(0.0);
  bcc6 = vec4f(0.0);
  acc7 = vec4f(0.0);
  bcc7 = vec4f(0.0);
  kernelPlane(0u);
  kernelPlane(1u);
  kernelPlane(2u);
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
