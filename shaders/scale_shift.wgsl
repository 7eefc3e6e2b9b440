// Per-channel affine map on the last (channel) axis with a fused activation:
//   output[i] = activate(input[i] * scale[c] + shift[c]),  c = i % channels.
// Serves inference-time BatchNormalization (scale = gamma / sqrt(var + eps), shift = beta -
// mean * scale, computed on the host in float64) and Rescaling (scalar or per-channel scale/offset,
// expanded to one value per channel), for tensors of any rank.
//
// Layout: channels-last, so the channel of a flat index is its remainder by `channels`. Work split
// (lib_elementwise_main.wgsl): each invocation handles PER consecutive elements, each bounds-checked
// against `count`. Buffers: input and output from lib_input_output.wgsl, scale and shift after them.

struct Params {
  count: u32,
  channels: u32,
}

@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> shift: array<f32>;

fn element(i: u32) {
  let c = i % params.channels;
  output[i] = activate(fma(input[i], scale[c], shift[c]));
}
