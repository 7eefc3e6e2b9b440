// Pointwise (1×1×1, stride 1) 3-D convolution of at most 16 input and 16 output channels (MeshNet's
// heads, 5 → 3 and 11 → 3): per voxel a product of its channel vector with the [IN_C, OUT_C] kernel.
// An invocation computes 4 x-adjacent voxels × all output channels (lib_conv3d_blocked.wgsl's items),
// as conv3d_blocked.wgsl, but with every weight read at a CONSTANT index: the input channels are
// spelled out as calls with literal arguments (inputChannel(base, 0u..15u) behind IN_C guards), so
// once the pipeline's optimiser has inlined them and IN_C, OUT_C are fixed, each weight index is a
// constant, one load for all lanes on SwiftShader (conv3d_blocked_c1.wgsl does the same for the
// first layer). The accumulators are module-scope private variables so the helper can add to them.
// Kernel lab on SwiftShader (3 runs, same run each, load ~9): MeshNet 64³ heads 5 → 3 in 13.5–23 ms
// against 15–30 on conv3d_blocked.wgsl, 11 → 3 in 21–29 against 46–63 (2×).
//
// Linked from: lib_flat_main.wgsl (entry point), lib_conv3d_blocked.wgsl (Params, bindings, items(),
// itemPlace(), storeChannel()); chosen by src/ops/conv3d.ts (kernel 1×1×1, strides 1, ≤ 16 input
// and output channels). 'same' and 'valid' padding are the same for a 1×1×1 kernel (no padding).
//
// Bounds: voxels past outW read a clamped, in-range voxel and are not written. Accuracy: each
// voxel's sum runs over the input channels in order, wherever the voxel lies.

const ROWS: u32 = 1u;

fn spacing() -> vec2u {
  return vec2u(1u, 1u);
}

var<private> acc0: vec4f;
var<private> acc1: vec4f;
var<private> acc2: vec4f;
var<private> acc3: vec4f;
var<private> acc4: vec4f;
var<private> acc5: vec4f;
var<private> acc6: vec4f;
var<private> acc7: vec4f;
var<private> acc8: vec4f;
var<private> acc9: vec4f;
var<private> acc10: vec4f;
var<private> acc11: vec4f;
var<private> acc12: vec4f;
var<private> acc13: vec4f;
var<private> acc14: vec4f;
var<private> acc15: vec4f;

// Input channel ci of the four voxels (their offsets in `base`) times its row of the kernel.
fn inputChannel(base: vec4u, ci: u32) {
  let v = vec4f(input[base.x + ci], input[base.y + ci], input[base.z + ci], input[base.w + ci]);
  let w = ci * OUT_C;
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
}

fn item(idx: u32) {
  let place = itemPlace(idx);
  let n = place.x;
  let oz = place.y;
  let oy = place.z;
  let ox0 = place.w;
  let outRow = (n * params.outD + oz) * params.outH + oy;
  let last = params.outW - 1u;
  let xs = min(vec4u(ox0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let base = (vec4u(outRow * params.inW) + xs) * IN_C;
  acc0 = vec4f(0.0);
  acc1 = vec4f(0.0);
  acc2 = vec4f(0.0);
  acc3 = vec4f(0.0);
  acc4 = vec4f(0.0);
  acc5 = vec4f(0.0);
  acc6 = vec4f(0.0);
  acc7 = vec4f(0.0);
  acc8 = vec4f(0.0);
  acc9 = vec4f(0.0);
  acc10 = vec4f(0.0);
  acc11 = vec4f(0.0);
  acc12 = vec4f(0.0);
  acc13 = vec4f(0.0);
  acc14 = vec4f(0.0);
  acc15 = vec4f(0.0);
  inputChannel(base, 0u);
  if (IN_C > 1u) { inputChannel(base, 1u); }
  if (IN_C > 2u) { inputChannel(base, 2u); }
  if (IN_C > 3u) { inputChannel(base, 3u); }
  if (IN_C > 4u) { inputChannel(base, 4u); }
  if (IN_C > 5u) { inputChannel(base, 5u); }
  if (IN_C > 6u) { inputChannel(base, 6u); }
  if (IN_C > 7u) { inputChannel(base, 7u); }
  if (IN_C > 8u) { inputChannel(base, 8u); }
  if (IN_C > 9u) { inputChannel(base, 9u); }
  if (IN_C > 10u) { inputChannel(base, 10u); }
  if (IN_C > 11u) { inputChannel(base, 11u); }
  if (IN_C > 12u) { inputChannel(base, 12u); }
  if (IN_C > 13u) { inputChannel(base, 13u); }
  if (IN_C > 14u) { inputChannel(base, 14u); }
  if (IN_C > 15u) { inputChannel(base, 15u); }
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
