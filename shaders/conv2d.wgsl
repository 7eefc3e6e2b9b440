// Direct 2-D convolution, channels-last, with fused bias and activation:
//   out[n, oy, ox, co] = activate(bias[co] + Σ_{ky, kx, ci} in[n, iy, ix, ci] · w[ky, kx, ci, co])
//   iy = oy·strideH − padTop + ky·dilationH   (likewise ix); taps outside the input read zero.
//
// Work split: one invocation computes FOUR consecutive output channels (one "channel block",
// `cblk`: wgsl_reflect reserves the word `block`) of one output pixel. Consecutive invocations
// take consecutive blocks of the same pixel, so a workgroup reads the same input pixel values
// (cache-friendly) and consecutive weight vectors.
//
// Weight layout: Keras' HWIO kernel with the output axis padded to a multiple of 4 by the host
// (src/ops/conv2d.ts), read as vec4: kernel[((ky·kW + kx)·inC + ci)·outBlocks + cblk] holds the
// four output channels 4·cblk .. 4·cblk+3 of one (ky, kx, ci). HWIO already makes output
// channels contiguous, so this is Keras' own order plus zero columns. The bias is padded the same.
//
// Bounds: taps that fall in the padding are skipped per row / per column (no reads); the last
// block's lanes beyond outC are computed on zero weights and not written. Invocations past the
// end (the dispatch is rounded up to whole workgroups) return at once.
//
// Accuracy: each tap (ky, kx) sums its inC products into its own partial sum, four at a time,
// before adding to the pixel's total, so long reductions (3×3×64 = 576 terms) do not accumulate
// into one ever-growing f32 sum.

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

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  if (idx >= params.batch * params.outH * params.outW * blocks) {
    return;
  }
  let cblk = idx % blocks;
  let pix = idx / blocks; // (n·outH + oy)·outW + ox
  let ox = pix % params.outW;
  let oy = (pix / params.outW) % params.outH;
  let n = pix / (params.outW * params.outH);

  let inC = params.inC;
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox * params.strideW) - i32(params.padLeft);
  var acc = vec4f(0.0);
  for (var ky = 0u; ky < params.kH; ky++) {
    let iy = y0 + i32(ky * params.dilationH);
    if (iy < 0 || iy >= i32(params.inH)) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy)) * params.inW;
    for (var kx = 0u; kx < params.kW; kx++) {
      let ix = x0 + i32(kx * params.dilationW);
      if (ix < 0 || ix >= i32(params.inW)) {
        continue;
      }
      let inBase = (rowBase + u32(ix)) * inC;
      var w = (ky * params.kW + kx) * inC * blocks + cblk;
      var tap = vec4f(0.0);
      var ci = 0u;
      for (; ci + 4u <= inC; ci += 4u) {
        tap += input[inBase + ci] * kernel[w] + input[inBase + ci + 1u] * kernel[w + blocks] +
               input[inBase + ci + 2u] * kernel[w + 2u * blocks] + input[inBase + ci + 3u] * kernel[w + 3u * blocks];
        w += 4u * blocks;
      }
      for (; ci < inC; ci++) {
        tap += input[inBase + ci] * kernel[w];
        w += blocks;
      }
      acc += tap;
    }
  }
  let sum = acc + bias[cblk];

  let co = cblk * 4u;
  let outBase = pix * params.outC + co;
  output[outBase] = activate(sum.x);
  if (co + 1u < params.outC) {
    output[outBase + 1u] = activate(sum.y);
  }
  if (co + 2u < params.outC) {
    output[outBase + 2u] = activate(sum.z);
  }
  if (co + 3u < params.outC) {
    output[outBase + 3u] = activate(sum.w);
  }
}
