// Transposed 3-D convolution (Keras Conv3DTranspose, TF's conv3d_transpose), channels-last, with
// fused bias and activation, dilation 1:
//   out[n, oz, oy, ox, co] = activate(bias[co] + Σ in[n, iz, iy, ix, ci] · w[kz, ky, kx, co, ci])
//   over every (iz, kz) with iz·strideD − padFront + kz = oz (likewise y, x).
// Each input voxel "scatters" a kernel-sized patch stride apart; computed here as a GATHER per
// output element (as conv2d_transpose.wgsl), so no two invocations write one place and no atomics
// are needed. For an output plane oz only the taps kz ≡ (oz + padFront) mod strideD contribute
// (iz = (oz + padFront − kz) / strideD exactly), so the loops start at that residue and step by
// the stride. padFront/padTop/padLeft come from the host (transposeAxis, TF's padding rule).
//
// Work split: one invocation per output element, flat in channels-last order. Weight layout:
// Keras' kernel [kD, kH, kW, outC, inC] as stored, so the ci loop reads input and weights
// contiguously: w[(((kz·kH + ky)·kW + kx)·outC + co)·inC + ci]. Bias [outC] (zeros when absent).
//
// Bounds: taps whose input index is past the input are skipped; the residue start keeps the
// numerator ≥ 0 (checked as i32 anyway). The flat index folds dispatch y into x and is checked.

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
  if (idx >= params.batch * params.outD * params.outH * params.outW * F) {
    return;
  }
  let co = idx % F;
  let vox = idx / F;
  let ox = vox % params.outW;
  let oy = (vox / params.outW) % params.outH;
  let oz = (vox / (params.outW * params.outH)) % params.outD;
  let n = vox / (params.outW * params.outH * params.outD);
  let C = params.inC;
  let tz = oz + params.padFront;
  let ty = oy + params.padTop;
  let tx = ox + params.padLeft;
  var acc = 0.0;
  for (var kz = tz % params.strideD; kz < params.kD; kz += params.strideD) {
    let iz = i32(tz) - i32(kz);
    if (iz < 0 || u32(iz) / params.strideD >= params.inD) {
      continue;
    }
    let planeBase = (n * params.inD + u32(iz) / params.strideD) * params.inH;
    for (var ky = ty % params.strideH; ky < params.kH; ky += params.strideH) {
      let iy = i32(ty) - i32(ky);
      if (iy < 0 || u32(iy) / params.strideH >= params.inH) {
        continue;
      }
      let rowBase = (planeBase + u32(iy) / params.strideH) * params.inW;
      for (var kx = tx % params.strideW; kx < params.kW; kx += params.strideW) {
        let ix = i32(tx) - i32(kx);
        if (ix < 0 || u32(ix) / params.strideW >= params.inW) {
          continue;
        }
        let inBase = (rowBase + u32(ix) / params.strideW) * C;
        let wBase = (((kz * params.kH + ky) * params.kW + kx) * F + co) * C;
        var s = 0.0;
        for (var ci = 0u; ci < C; ci++) {
          s += input[inBase + ci] * kernel[wBase + ci];
        }
        acc += s;
      }
    }
  }
  output[idx] = activate(acc + bias[co]);
}
