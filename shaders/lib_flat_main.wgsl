// Fragment: the entry point of a kernel that gives each invocation one item (an output element, a
// softmax lane, a layer-norm row, a block of dense outputs, a convolution tile), numbered flat.
// Every kernel but the elementwise ones (lib_elementwise_main.wgsl) and preprocess.wgsl links it.
//
// The flat index folds dispatch y into x (a large tensor needs more than the 65,535 workgroups one
// dispatch dimension allows; src/ops/dispatch.ts sizes the grid), so the grid may overhang: an
// invocation past the last item returns before it reads anything.
//
// Provides: override WG (workgroup size, set by the host), the uniform `params` at binding 0, main().
// The linking kernel defines: struct Params; fn items() -> u32, how many items there are;
// fn item(idx: u32), the work of item idx (called only for idx < items()).

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= items()) {
    return;
  }
  item(idx);
}
