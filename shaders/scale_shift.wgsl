// Per-channel affine map on the last (channel) axis with a fused activation:
//   output[i] = activate(input[i] * scale[c] + shift[c]),  c = i % channels.
// Serves inference-time BatchNormalization (scale = gamma / sqrt(var + eps), shift = beta -
// mean * scale, computed on the host in float64) and Rescaling (scalar or per-channel scale/offset,
// expanded to one value per channel), for tensors of any rank.
//
// Layout: channels-last, so the channel of a flat index is its remainder by `channels`. Each
// invocation handles PER consecutive elements; the flat index folds dispatch y into x (see
// src/ops/dispatch.ts) and is bounds-checked against `count`.

struct Params {
  count: u32,
  channels: u32,
}

override WG: u32 = 64u;
override PER: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> shift: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = (gid.x + gid.y * nwg.x * WG) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = base + j;
    if (i >= params.count) {
      return;
    }
    let c = i % params.channels;
    output[i] = activate(fma(input[i], scale[c], shift[c]));
  }
}
