// One input's share of a Concatenate: copies input k into its slab of the output. A node with n
// inputs runs n of these steps over the same output buffer, each writing a disjoint part.
//
// Layout: with the concatenation axis at position `axis`, both tensors are viewed as
// [outer, axisLen, inner] (channels-last, row-major; inner = product of the axes after it). One
// outer row of the input is a contiguous block of inLen * inner floats and lands contiguously in the
// output at row * outLen * inner + offset * inner, where `offset` is the sum of the axis sizes of
// the inputs before this one. So each invocation copies PER consecutive floats with only a divide
// to find the row; the flat index folds dispatch y into x (src/ops/dispatch.ts), bounds-checked.

struct Params {
  count: u32,
  /** inLen * inner: floats per outer row of the input. */
  inBlock: u32,
  /** outLen * inner: floats per outer row of the output. */
  outBlock: u32,
  /** offset * inner: where this input's block starts inside an output row. */
  start: u32,
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
    let row = i / params.inBlock;
    output[row * params.outBlock + params.start + i % params.inBlock] = input[i];
  }
}
