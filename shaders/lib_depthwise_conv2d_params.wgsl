// Fragment: the parameters of the two depthwise Conv2D kernels (depthwise_conv2d_general,
// depthwise_conv2d_4px_vec4), so that src/ops/depthwise-conv2d.ts fills one uniform layout
// whichever runs.
//
// Provides: struct Params. The including kernel links lib_flat_main.wgsl (WG, `params` at binding 0,
// main) and declares its input (1), kernel (2), bias (3) and output (4) with its own element type
// (f32 or vec4f).

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  multiplier: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

