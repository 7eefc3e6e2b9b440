// 3-D max / average pooling, channels-last (Keras MaxPooling3D / AveragePooling3D).
//   out[n, oz, oy, ox, c] = reduce over the window planes z0 .. z0+poolD-1, rows y0 .. y0+poolH-1,
//   columns x0 .. x0+poolW-1, with z0 = oz·strideD − padFront (likewise y0, x0).
//
// MODE selects the reduction: 0 = max, 1 = average. As in TensorFlow (and pool2d.wgsl), padded
// cells take no part: the window is clipped to the input before the loops, max reduces only real
// cells, and the average divides by the number of real cells (TF's 'same' average EXCLUDES the
// padding from the count). TF's 'same' rule never yields an empty window, so max starts from the
// window's first real cell.
//
// NaN (lib_nan.wgsl, linked first): the max is max_nan, so a NaN anywhere in the window makes the
// output NaN, as IEEE and the reference (Math.max) say; WGSL's max could return the other operand.
// ±Infinity needs nothing (max(+∞, v) = +∞). The average propagates both through the sum.
//
// Work split: one invocation per output element, channel fastest, so neighbouring invocations
// read neighbouring words of every input voxel. Pooling is memory-bound and cheap next to the
// convolutions around it.

struct Params {
  batch: u32,
  inD: u32,
  inH: u32,
  inW: u32,
  channels: u32,
  outD: u32,
  outH: u32,
  outW: u32,
  poolD: u32,
  poolH: u32,
  poolW: u32,
  strideD: u32,
  strideH: u32,
  strideW: u32,
  padFront: u32,
  padTop: u32,
  padLeft: u32,
}

override WG: u32 = 64u;
override MODE: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let C = params.channels;
  if (idx >= params.batch * params.outD * params.outH * params.outW * C) {
    return;
  }
  let c = idx % C;
  let vox = idx / C; // ((n·outD + oz)·outH + oy)·outW + ox
  let ox = vox % params.outW;
  let oy = (vox / params.outW) % params.outH;
  let oz = (vox / (params.outW * params.outH)) % params.outD;
  let n = vox / (params.outW * params.outH * params.outD);

  // The window clipped to the input: [zLo, zHi) × [yLo, yHi) × [xLo, xHi).
  let z0 = i32(oz * params.strideD) - i32(params.padFront);
  let y0 = i32(oy * params.strideH) - i32(params.padTop);
  let x0 = i32(ox * params.strideW) - i32(params.padLeft);
  let zLo = u32(max(z0, 0));
  let yLo = u32(max(y0, 0));
  let xLo = u32(max(x0, 0));
  let zHi = u32(min(z0 + i32(params.poolD), i32(params.inD)));
  let yHi = u32(min(y0 + i32(params.poolH), i32(params.inH)));
  let xHi = u32(min(x0 + i32(params.poolW), i32(params.inW)));

  let volumeBase = n * params.inD;
  var best = input[(((volumeBase + zLo) * params.inH + yLo) * params.inW + xLo) * C + c];
  var sum = 0.0;
  for (var iz = zLo; iz < zHi; iz++) {
    for (var iy = yLo; iy < yHi; iy++) {
      let rowBase = ((volumeBase + iz) * params.inH + iy) * params.inW;
      for (var ix = xLo; ix < xHi; ix++) {
        let v = input[(rowBase + ix) * C + c];
        best = max_nan(best, v);
        sum += v;
      }
    }
  }
  if (MODE == 0u) {
    output[idx] = best;
  } else {
    output[idx] = sum / f32((zHi - zLo) * (yHi - yLo) * (xHi - xLo));
  }
}
