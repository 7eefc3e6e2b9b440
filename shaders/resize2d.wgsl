// UpSampling2D and Resizing, channels-last, with Keras' conventions:
//   MODE 0 (UpSampling2D nearest = repeat): iy = oy / factorY, ix = ox / factorX (integers)
//   MODE 1 (Resizing nearest = tf.image.resize 'nearest', half-pixel centres):
//           iy = min(floor((oy + 0.5) · scaleY), inH − 1)   (likewise x)
//   MODE 2 (bilinear = tf.image.resize 'bilinear', half-pixel centres, no antialias; both
//           UpSampling2D(interpolation='bilinear') and Resizing use it):
//           y = (oy + 0.5) · scaleY − 0.5; lo = max(floor(y), 0); hi = min(ceil(y), inH − 1);
//           t = y − floor(y); top = tl + (tr − tl)·tx; bottom = bl + (br − bl)·tx;
//           out = top + (bottom − top)·ty   (TensorFlow's order of operations)
// scale = float32(in / out) is computed on the CPU (WGSL's f32 division is not exactly rounded).
// This is NOT TF.js' UpSampling2D bilinear, which lacks the half-pixel offset.
// The CPU definition of correct is src/reference/resize2d.ts (the same code as image preprocessing).
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// flat in channels-last order, so consecutive invocations read consecutive channels of the same
// source pixels; every source index is clamped in range. Buffers: lib_input_output.wgsl.

struct Params {
  count: u32,
  inH: u32,
  inW: u32,
  channels: u32,
  outH: u32,
  outW: u32,
  factorY: u32,
  factorX: u32,
  scaleY: f32,
  scaleX: f32,
}

override MODE: u32 = 0u;

// Nearest source index along an axis for modes 0 and 1.
fn nearestIndex(o: u32, factor: u32, scale: f32, size: u32) -> u32 {
  if (MODE == 0u) {
    return o / factor;
  }
  return min(u32(floor((f32(o) + 0.5) * scale)), size - 1u);
}

fn item(idx: u32) {
  let C = params.channels;
  let o = nhwcOf(idx, params.outH, params.outW, C);
  let image = o.n * params.inH;
  if (MODE != 2u) {
    let iy = nearestIndex(o.y, params.factorY, params.scaleY, params.inH);
    let ix = nearestIndex(o.x, params.factorX, params.scaleX, params.inW);
    output[idx] = input[((image + iy) * params.inW + ix) * C + o.c];
    return;
  }
  let y = (f32(o.y) + 0.5) * params.scaleY - 0.5;
  let x = (f32(o.x) + 0.5) * params.scaleX - 0.5;
  let y0 = floor(y);
  let x0 = floor(x);
  let yLo = u32(max(y0, 0.0));
  let xLo = u32(max(x0, 0.0));
  let yHi = u32(min(ceil(y), f32(params.inH - 1u)));
  let xHi = u32(min(ceil(x), f32(params.inW - 1u)));
  let ty = y - y0;
  let tx = x - x0;
  let tl = input[((image + yLo) * params.inW + xLo) * C + o.c];
  let tr = input[((image + yLo) * params.inW + xHi) * C + o.c];
  let bl = input[((image + yHi) * params.inW + xLo) * C + o.c];
  let br = input[((image + yHi) * params.inW + xHi) * C + o.c];
  let top = tl + (tr - tl) * tx;
  let bottom = bl + (br - bl) * tx;
  output[idx] = top + (bottom - top) * ty;
}

fn items() -> u32 {
  return params.count;
}
