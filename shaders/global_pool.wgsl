// Global max / average pooling over every spatial axis, channels-last, any rank:
//   out[n, c] = reduce_{s < spatial} in[n, s, c]
// where the input [N, H, W, C] (or [N, D, H, W, C]) is read as [N, spatial, C]. The same kernel
// serves GlobalAveragePooling2D and its 3-D sibling; keepdims only changes the output's shape.
//
// MODE selects the reduction: 0 = max, 1 = average (sum / spatial).
// NaN (lib_nan.wgsl, linked first): max_nan, so one NaN position makes its channel's output NaN, as
// IEEE and the reference say (WGSL's max may drop it); ±Infinity needs nothing.
//
// Work split (lib_flat_main.wgsl): one invocation per (n, c), channel fastest, so a workgroup reads
// consecutive words of each spatial position (buffers: lib_input_output.wgsl). The sum keeps four partial sums over interleaved positions (s mod 4)
// so that a 56×56 or 64³ reduction does not pile every term onto one f32 accumulator.

struct Params {
  batch: u32,
  spatial: u32,
  channels: u32,
}

override MODE: u32 = 0u;

fn item(idx: u32) {
  let C = params.channels;
  let S = params.spatial;
  let c = idx % C;
  let n = idx / C;
  let base = n * S * C + c;

  var best = input[base];
  var sums = vec4f(0.0);
  var s = 0u;
  for (; s + 4u <= S; s += 4u) {
    let v = vec4f(input[base + s * C], input[base + (s + 1u) * C], input[base + (s + 2u) * C], input[base + (s + 3u) * C]);
    sums += v;
    best = max_nan(best, max_nan(max_nan(v.x, v.y), max_nan(v.z, v.w)));
  }
  var tail = 0.0;
  for (; s < S; s++) {
    let v = input[base + s * C];
    tail += v;
    best = max_nan(best, v);
  }
  if (MODE == 0u) {
    output[idx] = best;
  } else {
    output[idx] = ((sums.x + sums.y) + (sums.z + sums.w) + tail) / f32(S);
  }
}

fn items() -> u32 {
  return params.batch * params.channels;
}
