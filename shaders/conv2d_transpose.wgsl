// Transposed 2-D convolution (Keras Conv2DTranspose, TF's conv_transpose), channels-last, with fused
// bias and activation, dilation 1:
//   out[n, oy, ox, co] = activate(bias[co] + Σ in[n, iy, ix, ci] · w[ky, kx, co, ci])
//   over every (iy, ky) with iy·strideH − padTop + ky = oy (likewise x).
// Each input pixel "scatters" a kernel-sized patch stride apart; computed here as a GATHER per output
// element, so no two invocations write the same place and no atomics are needed. For an output row oy
// only the taps ky ≡ (oy + padTop) mod strideH contribute (iy = (oy + padTop − ky) / strideH exactly),
// so the loops start at that residue and step by the stride: no tap is visited to be discarded
// (lib_conv_transpose_gather.wgsl, shared with conv3d_transpose.wgsl, which runs it per kernel plane).
// padTop/padLeft come from the host (src/geometry/window.ts, transposeAxis).
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// flat in channels-last order. Weight layout: Keras' kernel [kH, kW, outC, inC] as stored, so the
// ci loop reads input and weights contiguously: w[((ky·kW + kx)·outC + co)·inC + ci]. Bias [outC]
// (zeros when the layer has none). Buffers: input and output from lib_input_output.wgsl, then
// kernel and bias.
//
// Bounds: taps whose input row/column is past the input are skipped; the residue start keeps
// oy + padTop − ky ≥ 0 (checked as i32 anyway).

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  kH: u32,
  kW: u32,
  strideH: u32,
  strideW: u32,
  padTop: u32,
  padLeft: u32,
}

@group(0) @binding(3) var<storage, read> kernel: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

fn item(idx: u32) {
  let o = nhwcOf(idx, params.outH, params.outW, params.outC);
  let acc = gatherPlane(0.0, o.n * params.inH, 0u, o.y + params.padTop, o.x + params.padLeft, o.c);
  output[idx] = activate(acc + bias[o.c]);
}

fn items() -> u32 {
  return params.batch * params.outH * params.outW * params.outC;
}
