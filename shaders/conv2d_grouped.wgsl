// Direct 2-D convolution, channels-last, with fused bias and activation:
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, g·groupInC + ci] · w[ky, kx, ci, co])
//   iy = oy·strideH − padTop + ky·dilationH   (likewise ix); taps outside the input read zero;
//   g is co's group (0 without groups) and ci runs over the groupInC channels of one group.
//   With RESIDUAL = 1 a fused Add's other operand (src/compile/passes/fuse-add.ts), same shape as the
//   output, is added after the bias and before the activation (RESIDUAL = 2: after it).
//   conv2d_8px8ch_vec4.wgsl and conv2d_1x1.wgsl are faster variants for groups = 1 and inC % 4 = 0.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv2d_params.wgsl (Params,
// bindings), lib_conv_4px.wgsl (one tap's sums), lib_conv_store.wgsl (residual, activation, the
// lanes of a group's last block).
//
// Work split: one invocation computes a 4 × 4 tile: FOUR consecutive output channels (one
// "channel block", `cblk`: wgsl_reflect reserves the word `block`) of FOUR horizontally adjacent
// output pixels ox0 .. ox0+3. Each weight vec4 it loads serves four pixels and each input value
// four channels, so a multiply-add costs a quarter of a load of each. Consecutive invocations
// take consecutive channel blocks of the same pixels: a workgroup shares the input values
// (cache-friendly) and reads consecutive weight vectors.
//
// Groups (Keras `groups`, 1 for an ordinary conv): filter group g reads only input channels
// g·groupInC .. (g+1)·groupInC − 1. Channel blocks never straddle two groups: each group's
// groupOutC filters are padded to groupBlocks whole blocks, so block cblk belongs to group
// cblk / groupBlocks and holds its filters 4·(cblk mod groupBlocks) .. +3.
//
// Weight layout: Keras' HWIO kernel [kH, kW, groupInC, outC] with each group's output channels
// zero-padded to whole vec4 blocks by the host (src/ops/conv2d.ts), read as vec4:
// kernel[((ky·kW + kx)·groupInC + ci)·outBlocks + cblk]. HWIO already makes output channels
// contiguous, so with one group this is Keras' own order plus zero columns. The bias is padded
// the same way.
//
// Bounds: a kernel row outside the input is skipped for all four pixels (they share iy). Columns
// differ per pixel, so each pixel's column is tested once per (ky, kx): out-of-range columns read
// a clamped, in-range address and `select` turns the value into 0 (no out-of-bounds access, and no
// 0 · inf = NaN). Pixels past outW (the last tile of a row) and lanes past groupOutC (a group's
// last block) are computed and not written. Invocations past the end of the rounded-up dispatch
// return at once.
//
// Accuracy: each tap (ky, kx) sums its groupInC products into its own partial sum before adding
// to the pixel's total, so long reductions (3×3×64 = 576 terms) are split into 9 shorter ones.

@group(0) @binding(1) var<storage, read> input: array<f32>;

// Output pixels per invocation (the dispatch in src/ops/conv2d.ts counts tiles of this width).
const PIXELS: u32 = 4u;

fn items() -> u32 {
  let blocks = params.outBlocks;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  return params.batch * params.outH * tilesX * blocks;
}

fn item(idx: u32) {
  let blocks = params.outBlocks;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  let cblk = idx % blocks;
  let tile = idx / blocks; // (n·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // n·outH + oy
  let oy = outRow % params.outH;
  let n = outRow / params.outH;

  let group = cblk / params.groupBlocks;
  let cg = params.groupInC;
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  // Input column of pixel p for kernel column kx: x0 + p·strideW + kx·dilationW.
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var ky = 0u; ky < params.kH; ky++) {
    let iy = y0 + i32(ky * params.dilationH);
    if (iy < 0 || iy >= i32(params.inH)) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy)) * params.inW;
    for (var kx = 0u; kx < params.kW; kx++) {
      let t = tap4px(rowBase, x0 + i32(kx * params.dilationW), params.inC, group * cg, cg, (ky * params.kW + kx) * cg * blocks + cblk);
      acc0 += t[0];
      acc1 += t[1];
      acc2 += t[2];
      acc3 += t[3];
    }
  }
  let b = bias[cblk];
  // First filter of the block, within its group and in the output.
  let local = (cblk % params.groupBlocks) * 4u;
  let outBase = (outRow * params.outW + ox0) * params.outC + group * params.groupOutC + local;
  storeLanes(outBase, local, params.groupOutC, acc0 + b);
  if (ox0 + 1u < params.outW) {
    storeLanes(outBase + params.outC, local, params.groupOutC, acc1 + b);
  }
  if (ox0 + 2u < params.outW) {
    storeLanes(outBase + 2u * params.outC, local, params.groupOutC, acc2 + b);
  }
  if (ox0 + 3u < params.outW) {
    storeLanes(outBase + 3u * params.outC, local, params.groupOutC, acc3 + b);
  }
}
