// Fragment: the parameters and bindings shared by the direct Conv2D kernels (conv2d_grouped,
// conv2d_8px8ch_vec4, conv2d_8px8ch_scalar, conv2d_1x1), so that src/ops/conv2d.ts fills one
// uniform layout whichever variant runs (each kernel reads the fields it needs).
//
// Provides: struct Params, `kernel` (2), `bias` (3), `output` (4). The including kernel links
// lib_flat_main.wgsl (WG, `params` (0), main), declares `input` (1) with its own element type (f32
// or vec4f) and links lib_conv_store.wgsl for the residual binding (5).
//
// Weight layout: Keras' HWIO kernel [kH, kW, groupInC, outC] with each group's output channels
// zero-padded by the host to whole vec4 blocks (to a multiple of 8 for the 8 × 8 kernels), read as
// vec4: kernel[((ky·kW + kx)·groupInC + ci)·outBlocks + cblk]. The bias is padded the same way.

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  // groups · groupBlocks: vec4 columns of the padded kernel (even for the 8 × 8 kernels).
  outBlocks: u32,
  // Input channels and filters per group (inC and outC when groups = 1; only conv2d_grouped reads them).
  groupInC: u32,
  groupOutC: u32,
  // ceil(groupOutC / 4): channel blocks per group.
  groupBlocks: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  dilationH: u32,
  dilationW: u32,
  padTop: u32,
  padLeft: u32,
}

@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
