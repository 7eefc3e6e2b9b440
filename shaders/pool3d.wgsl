// 3-D max / average pooling, channels-last (Keras MaxPooling3D / AveragePooling3D).
//   out[n, oz, oy, ox, c] = reduce over the window planes z0 .. z0+poolD-1, rows y0 .. y0+poolH-1,
//   columns x0 .. x0+poolW-1, with z0 = oz·strideD − padFront (likewise y0, x0).
//
// MODE selects the reduction: 0 = max, 1 = average. As in TensorFlow (and pool2d.wgsl), the window
// is clipped to the input and padded cells take no part; max propagates NaN (lib_pool_window.wgsl
// says how and why). Each plane of the window is reduced as pool2d reduces its window.
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// channel fastest, so neighbouring invocations read neighbouring words of every input voxel. Pooling
// is memory-bound and cheap next to the convolutions around it. Buffers: lib_input_output.wgsl.

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

fn item(idx: u32) {
  let C = params.channels;
  let o = ndhwcOf(idx, params.outD, params.outH, params.outW, C);
  let z = windowOf(o.z, params.strideD, params.padFront, params.poolD, params.inD);
  let y = windowOf(o.y, params.strideH, params.padTop, params.poolH, params.inH);
  let x = windowOf(o.x, params.strideW, params.padLeft, params.poolW, params.inW);
  let volumePlane = o.n * params.inD;
  var w = Window(input[(((volumePlane + z.x) * params.inH + y.x) * params.inW + x.x) * C + o.c], 0.0);
  for (var iz = z.x; iz < z.y; iz++) {
    w = reducePlane(w, (volumePlane + iz) * params.inH, y, x, o.c);
  }
  output[idx] = pooled(w, (z.y - z.x) * (y.y - y.x) * (x.y - x.x));
}

fn items() -> u32 {
  return params.batch * params.outD * params.outH * params.outW * params.channels;
}
