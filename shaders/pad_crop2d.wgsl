// ZeroPadding2D and Cropping2D, channels-last: a shifted copy of each image,
//   out[n, oy, ox, c] = in[n, oy − offY, ox − offX, c]  if that pixel exists, else 0
// with offY = top padding (ZeroPadding2D) or −top cropping (Cropping2D), likewise offX (left).
// The bottom/right amounts only set outH/outW, which the host computes.
//
// Work split: one invocation per output element, flat in channels-last order (consecutive
// invocations copy consecutive channels, so reads and writes are both contiguous). The flat index
// folds dispatch y into x (src/ops/dispatch.ts) and is bounds-checked; a source outside the input
// is never read (select would still read, so the address is clamped first).

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

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= params.count) {
    return;
  }
  let c = idx % params.channels;
  let pixel = idx / params.channels;
  let ox = pixel % params.outW;
  let row = pixel / params.outW;
  let oy = row % params.outH;
  let n = row / params.outH;
  let iy = i32(oy) - params.offY;
  let ix = i32(ox) - params.offX;
  let inside = iy >= 0 && iy < i32(params.inH) && ix >= 0 && ix < i32(params.inW);
  var v = 0.0;
  if (inside) {
    v = input[((n * params.inH + u32(iy)) * params.inW + u32(ix)) * params.channels + c];
  }
  output[idx] = v;
}
