// Transposed 3-D convolution (Keras Conv3DTranspose, TF's conv3d_transpose), channels-last, with
// fused bias and activation, dilation 1:
//   out[n, oz, oy, ox, co] = activate(bias[co] + Σ in[n, iz, iy, ix, ci] · w[kz, ky, kx, co, ci])
//   over every (iz, kz) with iz·strideD − padFront + kz = oz (likewise y, x).
// Each input voxel "scatters" a kernel-sized patch stride apart; computed here as a GATHER per
// output element (as conv2d_transpose.wgsl), so no two invocations write one place and no atomics
// are needed. For an output plane oz only the taps kz ≡ (oz + padFront) mod strideD contribute
// (iz = (oz + padFront − kz) / strideD exactly), so the loops start at that residue and step by
// the stride; each contributing kernel plane kz is then gathered as conv2d_transpose gathers its
// kernel (lib_conv_transpose_gather.wgsl). padFront/padTop/padLeft come from the host
// (transposeAxis, TF's padding rule).
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// flat in channels-last order. Weight layout: Keras' kernel [kD, kH, kW, outC, inC] as stored, so
// the ci loop reads input and weights contiguously: w[(((kz·kH + ky)·kW + kx)·outC + co)·inC + ci].
// Bias [outC] (zeros when absent). Buffers: input and output from lib_input_output.wgsl, then
// kernel and bias.
//
// Bounds: taps whose input index is past the input are skipped; the residue start keeps the
// numerator ≥ 0 (checked as i32 anyway).

struct Params {
  batch: u32,
  inD: u32,
  inH: u32,
  inW: u32,
  inC: u32,
  outD: u32,
  outH: u32,
  outW: u32,
  outC: u32,
  kD: u32,
  kH: u32,
  kW: u32,
  strideD: u32,
  strideH: u32,
  strideW: u32,
  padFront: u32,
  padTop: u32,
  padLeft: u32,
}

@group(0) @binding(3) var<storage, read> kernel: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;

fn item(idx: u32) {
  let o = ndhwcOf(idx, params.outD, params.outH, params.outW, params.outC);
  let tz = o.z + params.padFront;
  let ty = o.y + params.padTop;
  let tx = o.x + params.padLeft;
  var acc = 0.0;
  for (var kz = tz % params.strideD; kz < params.kD; kz += params.strideD) {
    let iz = i32(tz) - i32(kz);
    if (iz < 0 || u32(iz) / params.strideD >= params.inD) {
      continue;
    }
    acc = gatherPlane(acc, (o.n * params.inD + u32(iz) / params.strideD) * params.inH, kz * params.kH, ty, tx, o.c);
  }
  output[idx] = activate(acc + bias[o.c]);
}

fn items() -> u32 {
  return params.batch * params.outD * params.outH * params.outW * params.outC;
}
