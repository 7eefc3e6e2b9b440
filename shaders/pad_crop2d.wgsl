// ZeroPadding2D and Cropping2D, channels-last: a shifted copy of each image,
//   out[n, oy, ox, c] = in[n, oy − offY, ox − offX, c]  if that pixel exists, else 0
// with offY = top padding (ZeroPadding2D) or −top cropping (Cropping2D), likewise offX (left).
// The bottom/right amounts only set outH/outW, which the host computes.
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// flat in channels-last order (consecutive invocations copy consecutive channels, so reads and
// writes are both contiguous), bounds-checked; a source outside the input is never read (select
// would still read, so the read sits behind a branch). Buffers: lib_input_output.wgsl.

struct Params {
  count: u32,
  inH: u32,
  inW: u32,
  channels: u32,
  outH: u32,
  outW: u32,
  offY: i32,
  offX: i32,
}

fn item(idx: u32) {
  let o = nhwcOf(idx, params.outH, params.outW, params.channels);
  let iy = i32(o.y) - params.offY;
  let ix = i32(o.x) - params.offX;
  let inside = iy >= 0 && iy < i32(params.inH) && ix >= 0 && ix < i32(params.inW);
  var v = 0.0;
  if (inside) {
    v = input[((o.n * params.inH + u32(iy)) * params.inW + u32(ix)) * params.channels + o.c];
  }
  output[idx] = v;
}

fn items() -> u32 {
  return params.count;
}
