// Direct 2-D convolution, channels-last, with fused bias and activation:
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   iy = oy·strideH − padTop + ky·dilationH   (likewise ix); taps outside the input read zero.
//
// Work split: one invocation computes a 4 × 4 tile: FOUR consecutive output channels (one
// "channel block", `cblk`: wgsl_reflect reserves the word `block`) of FOUR horizontally adjacent
// output pixels ox0 .. ox0+3. Each weight vec4 it loads serves four pixels and each input value
// four channels, so a multiply-add costs a quarter of a load of each. Consecutive invocations
// take consecutive channel blocks of the same pixels: a workgroup shares the input values
// (cache-friendly) and reads consecutive weight vectors.
//
// Weight layout: Keras' HWIO kernel with the output axis padded to a multiple of 4 by the host
// (src/ops/conv2d.ts), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk] holds the
// four output channels 4·cblk .. 4·cblk+3 of one (ky, kx, ci). HWIO already makes output
// channels contiguous, so this is Keras' own order plus zero columns. The bias is padded the same.
//
// Bounds: a kernel row outside the input is skipped for all four pixels (they share iy). Columns
// differ per pixel, so each pixel's column is tested once per (ky, kx): out-of-range columns read
// a clamped, in-range address and `select` turns the value into 0 (no out-of-bounds access, and no
// 0 · inf = NaN). Pixels past outW (the last tile of a row) and lanes past outC (the last block)
// are computed and not written. Invocations past the end of the rounded-up dispatch return.
//
// Accuracy: each tap (ky, kx) sums its inC products into its own partial sum before adding to
// the pixel's total, so long reductions (3×3×64 = 576 terms) are split into 9 shorter ones.

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  // ceil(outC / 4): vec4 columns of the padded kernel.
  outBlocks: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

const PIXELS: u32 = 4u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  if (idx >= params.batch * params.outH * tilesX * blocks) {
    return;
  }
  let cblk = idx % blocks;
  let tile = idx / blocks; // (n·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // n·outH + oy
  let oy = outRow % params.outH;
  let n = outRow / params.outH;

  let inC = params.inC;
  let inW = i32(params.inW);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  // Input column of pixel p for kernel column kx: x0 + p·strideW + kx·dilationW.
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let sx = i32(params.strideW);
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
      let ix = vec4i(0, 1, 2, 3) * sx + (x0 + i32(kx * params.dilationW));
      let inside = (ix >= vec4i(0)) & (ix < vec4i(inW));
      let col = vec4u(clamp(ix, vec4i(0), vec4i(inW - 1)));
      let base = (vec4u(rowBase) + col) * inC;
      var w = (ky * params.kW + kx) * inC * blocks + cblk;
      var t0 = vec4f(0.0);
      var t1 = vec4f(0.0);
      var t2 = vec4f(0.0);
      var t3 = vec4f(0.0);
      for (var ci = 0u; ci < inC; ci++) {
        let wv = kernel[w];
        t0 += select(0.0, input[base.x + ci], inside.x) * wv;
        t1 += select(0.0, input[base.y + ci], inside.y) * wv;
        t2 += select(0.0, input[base.z + ci], inside.z) * wv;
        t3 += select(0.0, input[base.w + ci], inside.w) * wv;
        w += blocks;
      }
      acc0 += t0;
      acc1 += t1;
      acc2 += t2;
      acc3 += t3;
    }
  }
  let b = bias[cblk];
  let co = cblk * 4u;
  let outBase = (outRow * params.outW + ox0) * params.outC + co;
  store(outBase, co, acc0 + b);
  if (ox0 + 1u < params.outW) {
    store(outBase + params.outC, co, acc1 + b);
  }
  if (ox0 + 2u < params.outW) {
    store(outBase + 2u * params.outC, co, acc2 + b);
  }
  if (ox0 + 3u < params.outW) {
    store(outBase + 3u * params.outC, co, acc3 + b);
  }
}

// Writes the activated lanes of one pixel's channel block that exist (co + lane < outC).
fn store(at: u32, co: u32, sum: vec4f) {
  output[at] = activate(sum.x);
  if (co + 1u < params.outC) {
    output[at + 1u] = activate(sum.y);
  }
  if (co + 2u < params.outC) {
    output[at + 2u] = activate(sum.z);
  }
  if (co + 3u < params.outC) {
    output[at + 3u] = activate(sum.w);
  }
}
