// Keras Permute: a real transpose of the axes after the batch (data moves; not an alias).
//   output[i] = input[offset(i)],  offset(i) = Σ_d coord_d(i) · inStrides[d]
// where coord_d(i) = (i / after[d]) % dims[d] are the output coordinates (after = product of the
// later output axes) and inStrides[d] is the input's element stride of the axis that output axis d
// comes from. The host coalesces runs of axes that stay adjacent and in order (so Permute((2, 1, 3))
// on [N, H, W, C] moves C-long vectors over 4 axes [N, W, H, C] → merged to what is needed), and
// stores up to 8 axes at the END of the arrays (lib_strided_index.wgsl).
//
// Work split (lib_flat_main.wgsl): one invocation per output element, consecutive invocations write
// consecutive outputs (reads are strided: a transpose cannot make both sides contiguous without
// tiling through workgroup memory, which the small tensors of CNN heads do not repay). Buffers:
// lib_input_output.wgsl.

struct Params {
  count: u32,
  dims: array<vec4u, 2>,
  after: array<vec4u, 2>,
  inStrides: array<vec4u, 2>,
}

fn item(i: u32) {
  output[i] = input[offsetOf(coordsOf(i), params.inStrides)];
}

fn items() -> u32 {
  return params.count;
}
