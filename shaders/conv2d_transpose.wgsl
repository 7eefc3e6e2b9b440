// Transposed 2-D convolution (Keras Conv2DTranspose, TF's conv_transpose), channels-last, with fused
// bias and activation, dilation 1:
//   out[n, oy, ox, co] = activate(bias[co] + Σ in[n, iy, ix, ci] · w[ky, kx, co, ci])
//   over every (iy, ky) with iy·strideH − padTop + ky = oy (likewise x).
// Each input pixel "scatters" a kernel-sized patch stride apart; computed here as a GATHER per output
// element, so no two invocations write the same place and no atomics are needed. For an output row oy
// only the taps ky ≡ (oy + padTop) mod strideH contribute (iy = (oy + padTop − ky) / strideH exactly),
// so the loops start at that residue and step by the stride: no tap is visited to be discarded.
// padTop/padLeft come from the host (src/reference/conv2d-transpose.ts, transposeAxis).
//
// Work split: one invocation per output element, flat in channels-last order. Weight layout: Keras'
// kernel [kH, kW, outC, inC] as stored, so the ci loop reads input and weights contiguously:
// w[((ky·kW + kx)·outC + co)·inC + ci]. Bias [outC] (zeros when the layer has none).
//
// Bounds: taps whose input row/column is past the input are skipped; the residue start keeps
// oy + padTop − ky ≥ 0 (checked as i32 anyway). The flat index folds dispatch y into x and is checked.

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

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let F = params.outC;
  if (idx >= params.batch * params.outH * params.outW * F) {
    return;
  }
  let co = idx % F;
  let pixel = idx / F;
  let ox = pixel % params.outW;
  let row = pixel / params.outW;
  let oy = row % params.outH;
  let n = row / params.outH;
  let C = params.inC;
  let ty = oy + params.padTop;
  let tx = ox + params.padLeft;
  var acc = 0.0;
  for (var ky = ty % params.strideH; ky < params.kH; ky += params.strideH) {
    let iy = i32(ty) - i32(ky);
    if (iy < 0 || u32(iy) / params.strideH >= params.inH) {
      continue;
    }
    let rowBase = (n * params.inH + u32(iy) / params.strideH) * params.inW;
    for (var kx = tx % params.strideW; kx < params.kW; kx += params.strideW) {
      let ix = i32(tx) - i32(kx);
      if (ix < 0 || u32(ix) / params.strideW >= params.inW) {
        continue;
      }
      let inBase = (rowBase + u32(ix) / params.strideW) * C;
      let wBase = ((ky * params.kW + kx) * F + co) * C;
      var s = 0.0;
      for (var ci = 0u; ci < C; ci++) {
        s += input[inBase + ci] * kernel[wBase + ci];
      }
      acc += s;
    }
  }
  output[idx] = activate(acc + bias[co]);
}
