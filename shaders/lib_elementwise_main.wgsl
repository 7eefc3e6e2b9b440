// Fragment: the entry point of an elementwise kernel (activation, concatenate, scale_shift, merge):
// each invocation handles PER consecutive elements of a flat array of params.count floats (fewer
// launches, sequential addresses on a CPU adapter). PER is an override the host sets, so the
// dispatch size and the shader cannot disagree. The flat invocation index folds dispatch y into x
// (src/ops/dispatch.ts) and every element is bounds-checked against params.count, so any size works.
//
// Provides: overrides WG and PER, the uniform `params` at binding 0, main().
// The linking kernel defines: struct Params with a `count: u32` member; fn element(i: u32), the work
// of element i (called only for i < params.count).

override WG: u32 = 64u;
override PER: u32 = 4u;

@group(0) @binding(0) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = (gid.x + gid.y * nwg.x * WG) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = base + j;
    if (i >= params.count) {
      return;
    }
    element(i);
  }
}
