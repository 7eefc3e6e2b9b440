// Depthwise 2-D convolution, channels-last, with fused bias and activation (Keras DepthwiseConv2D,
// and the first half of SeparableConv2D):
//   out[n, oy, ox, f] = activate(bias[f] + Σ_{ky, kx} in[n, iy, ix, f / M] · w[ky, kx, f])
//   f = c·M + m (input channel c, multiplier index m < M = depth_multiplier);
//   iy = oy·strideH − padTop + ky·dilationH (likewise ix); taps outside the input read zero.
//
// The general kernel: any depth_multiplier and channel count. Multiplier 1 with channels a multiple
// of 4 (most real networks) runs depthwise_conv2d_4px_vec4.wgsl instead, 4.4× faster on SwiftShader.
//
// Work split: one invocation per output element, flat in channels-last order, so consecutive
// invocations take consecutive output channels of one pixel: their input reads (f / M) and weight
// reads (f) are adjacent addresses. Each element needs only kh·kw multiply-adds (no channel
// reduction), so there is nothing to share between lanes and no tiling.
//
// Weight layout: Keras' kernel [kH, kW, inC, M] as stored, i.e. [kH·kW, outC] with output channels
// fastest: w[(ky·kW + kx)·outC + f]. Bias [outC] (zeros when the layer has none).
//
// Bounds: rows and columns outside the input are skipped (`continue`), so no out-of-bounds read;
// the flat index is lib_flat_main.wgsl's, checked against the total.

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

fn items() -> u32 {
  return params.batch * params.outH * params.outW * params.outC;
}

fn item(idx: u32) {
  let outC = params.outC;
  let f = idx % outC;
  let pixel = idx / outC; // (n·outH + oy)·outW + ox
  let ox = pixel % params.outW;
  let outRow = pixel / params.outW;
  let oy = outRow % params.outH;
  let n = outRow / params.outH;
  let c = f / params.multiplier;

  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox * params.strideW) - i32(params.padLeft);
  var acc = 0.0;
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
      acc += input[(rowBase + u32(ix)) * params.inC + c] * kernel[(ky * params.kW + kx) * outC + f];
    }
  }
  output[idx] = activate(acc + bias[f]);
}
