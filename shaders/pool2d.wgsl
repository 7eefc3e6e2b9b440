// 2-D max / average pooling, channels-last (Keras MaxPooling2D / AveragePooling2D).
//   out[n, oy, ox, c] = reduce over the window rows y0 .. y0+poolH-1, columns x0 .. x0+poolW-1,
//   y0 = oy·strideH − padTop, x0 = ox·strideW − padLeft.
//
// MODE selects the reduction: 0 = max, 1 = average. The window is clipped to the input and padded
// cells take no part, as in TensorFlow; max propagates NaN (lib_pool_window.wgsl says how and why).
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// channel fastest, so neighbouring invocations read neighbouring words of every input pixel.
// Pooling does ~pool² loads per output and no arithmetic to speak of; it is memory-bound and small
// next to the convolutions around it. Buffers: lib_input_output.wgsl.

struct Params {
  batch: u32,
  inH: u32,
  inW: u32,
  channels: u32,
  outH: u32,
  outW: u32,
  poolH: u32,
  poolW: u32,
  strideH: u32,
  strideW: u32,
  padTop: u32,
  padLeft: u32,
}

fn item(idx: u32) {
  let C = params.channels;
  let o = nhwcOf(idx, params.outH, params.outW, C);
  let y = windowOf(o.y, params.strideH, params.padTop, params.poolH, params.inH);
  let x = windowOf(o.x, params.strideW, params.padLeft, params.poolW, params.inW);
  let imageRow = o.n * params.inH;
  let first = input[((imageRow + y.x) * params.inW + x.x) * C + o.c];
  let w = reducePlane(Window(first, 0.0), imageRow, y, x, o.c);
  output[idx] = pooled(w, (y.y - y.x) * (x.y - x.x));
}

fn items() -> u32 {
  return params.batch * params.outH * params.outW * params.channels;
}
