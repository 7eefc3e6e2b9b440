// Direct 3-D convolution, channels-last, with fused bias and activation (Keras Conv3D):
//   out[n, oz, oy, ox, co] = activate(bias[co] + Σ_{kz, ky, kx, ci} in[n, iz, iy, ix, ci] · w[kz, ky, kx, ci, co])
//   iz = oz·strideD − padFront + kz·dilationD   (likewise iy, ix); taps outside the input read zero.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv_4px.wgsl (one tap's
// sums, shared with conv2d_grouped.wgsl). Runs the layers of more than 16 output channels (and any
// layer forced to 'direct'): src/ops/conv3d.ts gives narrower ones to conv3d_blocked.wgsl or
// conv3d_blocked_x3.wgsl, 2–4× faster on MeshNet's 5- and 11-channel layers (docs/kernels/conv3d.md).
//
// Work split (as conv2d_grouped.wgsl): one invocation computes FOUR consecutive output channels (one
// channel block `cblk`) of FOUR x-adjacent output voxels ox0 .. ox0+3, so each weight vec4 serves
// four voxels and each input value four channels. Consecutive invocations take consecutive channel
// blocks of the same voxels, so a workgroup shares its input reads.
//
// Weight layout: Keras' kernel [kD, kH, kW, inC, outC] with the output channels zero-padded to
// whole vec4 blocks by the host (src/ops/conv3d.ts), read as vec4:
// kernel[(((kz·kH + ky)·kW + kx)·inC + ci)·outBlocks + cblk]. The bias is padded the same way.
//
// Bounds: a kernel plane (kz) or row (ky) outside the input is skipped for all four voxels (they
// share iz and iy). Columns differ per voxel: an out-of-range column reads a clamped, in-range
// address and `select` turns the value into 0 (no out-of-bounds access, no 0 · inf = NaN). Voxels
// past outW and lanes past outC are computed and not written.
//
// Accuracy: each tap (kz, ky, kx) sums its inC products into its own partial sum before adding to
// the voxel's total, so a 3×3×3×64 reduction is 27 short sums rather than one of 1728 terms.
// The order of the additions depends only on the tap, never on where the voxel lies in the
// tensor, so a voxel computed in a sub-volume (src/runtime/tiled-volume.ts) gets the same bits.

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
  // ceil(outC / 4): vec4 columns of the padded kernel.
  outBlocks: u32,
  kD: u32,
  kH: u32,
  kW: u32,
  strideD: u32,
  strideH: u32,
  strideW: u32,
  dilationD: u32,
  dilationH: u32,
  dilationW: u32,
  padFront: u32,
  padTop: u32,
  padLeft: u32,
}

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

// Output voxels along x per invocation (the dispatch in src/ops/conv3d.ts counts tiles of this width).
const PIXELS: u32 = 4u;

fn items() -> u32 {
  let blocks = params.outBlocks;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  return params.batch * params.outD * params.outH * tilesX * blocks;
}

fn item(idx: u32) {
  let blocks = params.outBlocks;
  let tilesX = (params.outW + PIXELS - 1u) / PIXELS;
  let cblk = idx % blocks;
  let tile = idx / blocks; // ((n·outD + oz)·outH + oy)·tilesX + tx
  let ox0 = (tile % tilesX) * PIXELS;
  let outRow = tile / tilesX; // (n·outD + oz)·outH + oy
  let oy = outRow % params.outH;
  let plane = outRow / params.outH; // n·outD + oz
  let oz = plane % params.outD;
  let n = plane / params.outD;

  let cin = params.inC;
  let z0 = i32(oz * params.strideD) - i32(params.padFront);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  // Input column of voxel p for kernel column kx: x0 + p·strideW + kx·dilationW.
  let x0 = i32(ox0 * params.strideW) - i32(params.padLeft);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var kz = 0u; kz < params.kD; kz++) {
    let iz = z0 + i32(kz * params.dilationD);
    if (iz < 0 || iz >= i32(params.inD)) {
      continue;
    }
    for (var ky = 0u; ky < params.kH; ky++) {
      let iy = y0 + i32(ky * params.dilationH);
      if (iy < 0 || iy >= i32(params.inH)) {
        continue;
      }
      let rowBase = ((n * params.inD + u32(iz)) * params.inH + u32(iy)) * params.inW;
      for (var kx = 0u; kx < params.kW; kx++) {
        let t = tap4px(rowBase, x0 + i32(kx * params.dilationW), cin, 0u, cin, ((kz * params.kH + ky) * params.kW + kx) * cin * blocks + cblk);
        acc0 += t[0];
        acc1 += t[1];
        acc2 += t[2];
        acc3 += t[3];
      }
    }
  }
  let b = bias[cblk];
  let c0 = cblk * 4u;
  let outBase = (outRow * params.outW + ox0) * params.outC + c0;
  store(outBase, c0, acc0 + b);
  if (ox0 + 1u < params.outW) {
    store(outBase + params.outC, c0, acc1 + b);
  }
  if (ox0 + 2u < params.outW) {
    store(outBase + 2u * params.outC, c0, acc2 + b);
  }
  if (ox0 + 3u < params.outW) {
    store(outBase + 3u * params.outC, c0, acc3 + b);
  }
}

// Writes the activated lanes of one voxel's channel block that exist (c0 + lane < outC).
fn store(at: u32, c0: u32, sum: vec4f) {
  output[at] = activate(sum.x);
  if (c0 + 1u < params.outC) {
    output[at + 1u] = activate(sum.y);
  }
  if (c0 + 2u < params.outC) {
    output[at + 2u] = activate(sum.z);
  }
  if (c0 + 3u < params.outC) {
    output[at + 3u] = activate(sum.w);
  }
}
