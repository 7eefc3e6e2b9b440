// Depthwise 2-D convolution, channels-last, for depth_multiplier 1 and channels a multiple of 4
// (src/ops/depthwise-conv2d.ts selects it; depthwise_conv2d_general.wgsl runs every other case):
//   out[n, oy, ox, c] = activate(bias[c] + Σ_{ky, kx} in[n, iy, ix, c] · w[ky, kx, c])
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
//
// Work split: one invocation computes FOUR horizontally adjacent output pixels ox0 .. ox0+3 of one
// vec4 block of four channels, in four vec4 accumulators. Each weight vec4 is loaded once per
// invocation and used for the four pixels; inputs are loaded as vec4 along channels (inC % 4 = 0,
// so a pixel's channels start on a vec4 boundary). The index arithmetic (divisions to recover the
// tile, bounds) is paid once per 16 outputs instead of once per output. Consecutive invocations
// take consecutive channel blocks of the same pixels. No workgroup memory: barriers cost more than
// the loads they would save on SwiftShader.
//
// Measured on SwiftShader (Subzero, 2 shared cores, back to back, twice). MobileNetV2 α1.0 at 224²,
// its 17 depthwise layers (`mi bench --only mobilenet`): depthwise_conv2d_general.wgsl (one output per
// invocation, scalar loads) 371 ms at 0.11 GFLOP/s; this kernel 85 ms at 0.49 GFLOP/s. Candidates
// on a chain of eight 3×3 layers at 56²×144 and below (`mi profile`, GPU ms, median of 9, lower is
// better): this 4 px × 4 ch tile 28–29 (52 under load); 8 px 53–57; 2 px 66 (under load, vs 52);
// 1 px 102 (vs 52); a sliding-window path for 3×3 stride 1 (six column loads shared by the four
// pixels, instead of twelve) 34–68, and an interior fast path without the column selects 63–66:
// both slower, the extra branch costing more than the loads it saves. Workgroup size 32–256: no
// difference.
//
// Weight layout: Keras' kernel [kH, kW, C, 1] as stored, read as vec4: w[(ky·kW + kx)·C/4 + cb].
//
// Bounds: a kernel row outside the input is skipped for all four pixels (they share iy); columns
// differ per pixel, so out-of-range columns read a clamped, in-range address and `select` turns
// the vec4 into 0 (no out-of-bounds access, no 0 · inf = NaN). Pixels past outW are computed and
// not written. Invocations past the rounded-up dispatch return at once.

@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<vec4f>;

// Output pixels per invocation (the dispatch in src/ops/depthwise-conv2d.ts counts tiles of this width).
const PIXELS: u32 = 4u;

fn items() -> u32 {
  let blocks = params.outC / 4u;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  return params.batch * params.outH * tilesX * blocks;
}

fn item(idx: u32) {
  let blocks = params.outC / 4u;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  let cb = idx % blocks;
  let tile = idx / blocks; // (n·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // n·outH + oy
  let oy = outRow % params.outH;
  let n = outRow / params.outH;
  let inW = i32(params.inW);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  let px = vec4i(0, 1, 2, 3) * i32(params.strideW) + x0;
  let zero = vec4f(0.0);
  var a0 = zero;
  var a1 = zero;
  var a2 = zero;
  var a3 = zero;
  for (var ky = 0u; ky < params.kH; ky++) {
    let iy = y0 + i32(ky * params.dilationH);
    if (iy < 0 || iy >= i32(params.inH)) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy)) * params.inW;
    let wRow = ky * params.kW * blocks + cb;
    for (var kx = 0u; kx < params.kW; kx++) {
      let ix = px + i32(kx * params.dilationW);
      let inside = (ix >= vec4i(0)) & (ix < vec4i(inW));
      let at = (vec4u(rowBase) + vec4u(clamp(ix, vec4i(0), vec4i(inW - 1)))) * blocks + cb;
      let w = kernel[wRow + kx * blocks];
      a0 += select(zero, input[at.x], inside.x) * w;
      a1 += select(zero, input[at.y], inside.y) * w;
      a2 += select(zero, input[at.z], inside.z) * w;
      a3 += select(zero, input[at.w], inside.w) * w;
    }
  }
  let b = bias[cb];
  let out = (outRow * params.outW + ox0) * blocks + cb;
  output[out] = activate4(a0 + b);
  if (ox0 + 1u < params.outW) {
    output[out + blocks] = activate4(a1 + b);
  }
  if (ox0 + 2u < params.outW) {
    output[out + 2u * blocks] = activate4(a2 + b);
  }
  if (ox0 + 3u < params.outW) {
    output[out + 3u * blocks] = activate4(a3 + b);
  }
}

fn activate4(v: vec4f) -> vec4f {
  return vec4f(activate(v.x), activate(v.y), activate(v.z), activate(v.w));
}
