// Elementwise activation as a layer: output[i] = activate(input[i]) (activate() comes from
// lib_activation.wgsl, linked in front; ACT and its parameters are pipeline overrides).
//
// Layout does not matter for an elementwise op: the tensor is a flat array of `count` floats.
// Work split (lib_elementwise_main.wgsl): each invocation handles PER consecutive elements, each
// bounds-checked against `count`, so any size works. Buffers: lib_input_output.wgsl.

struct Params {
  count: u32,
}

fn element(i: u32) {
  output[i] = activate(input[i]);
}
