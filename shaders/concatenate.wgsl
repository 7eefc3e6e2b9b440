// One input's share of a Concatenate: copies input k into its slab of the output. A node with n
// inputs runs n of these steps over the same output buffer, each writing a disjoint part.
//
// Layout: with the concatenation axis at position `axis`, both tensors are viewed as
// [outer, axisLen, inner] (channels-last, row-major; inner = product of the axes after it). One
// outer row of the input is a contiguous block of inLen * inner floats and lands contiguously in the
// output at row * outLen * inner + offset * inner, where `offset` is the sum of the axis sizes of
// the inputs before this one. So each invocation copies PER consecutive floats with only a divide
// to find the row (lib_elementwise_main.wgsl: flat index, bounds-checked; buffers:
// lib_input_output.wgsl).

struct Params {
  count: u32,
  /** inLen * inner: floats per outer row of the input. */
  inBlock: u32,
  /** outLen * inner: floats per outer row of the output. */
  outBlock: u32,
  /** offset * inner: where this input's block starts inside an output row. */
  start: u32,
}

fn element(i: u32) {
  let row = i / params.inBlock;
  output[row * params.outBlock + params.start + i % params.inBlock] = input[i];
}
