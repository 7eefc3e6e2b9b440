// Elementwise activation as a layer: output[i] = activate(input[i]) (activate() comes from
// lib_activation.wgsl, linked in front; ACT and its parameters are pipeline overrides).
//
// Layout does not matter for an elementwise op: the tensor is a flat array of `count` floats.
// Each invocation handles PER consecutive elements (fewer launches, sequential addresses on a CPU
// adapter); PER is an override the host sets, so the dispatch size and the shader cannot disagree.
// The flat invocation index folds dispatch y into x (see src/ops/dispatch.ts) and every element is
// bounds-checked against `count`, so any size works.

struct Params {
  count: u32,
}

override WG: u32 = 64u;
override PER: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = (gid.x + gid.y * nwg.x * WG) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = base + j;
    if (i >= params.count) {
      return;
    }
    output[i] = activate(input[i]);
  }
}
