// Fragment: the epilogue of the conv kernels that fuse a residual Add (conv2d_grouped,
// conv2d_8px8ch_{vec4,scalar}, conv2d_1x1, conv2d_winograd_output). The caller has added the bias;
// this adds the residual of a fused Add (src/compile/passes/fuse-add.ts, same shape as the output),
// activates and writes:
//   RESIDUAL = 0: out = activate(sum)
//   RESIDUAL = 1: out = activate(sum + res)   (Keras conv → Add → activation)
//   RESIDUAL = 2: out = activate(sum) + res   (Keras conv(activation) → Add)
// src/ops/conv2d-residual.ts says when each applies (and binds a stand-in buffer for 0). RESIDUAL
// is an override, so the unused branches cost nothing.
//
// Provides: override RESIDUAL, the `residual` binding (5), storeLanes(), store(). The including
// kernel defines `output: array<f32>` and params.outC, links lib_activation.wgsl (activate()),
// and leaves binding 5 free.

override RESIDUAL: u32 = 0u;

@group(0) @binding(5) var<storage, read> residual: array<f32>;

// Writes the lanes l of one vec4 that exist (c + l < end): a padded channel block's real channels.
fn storeLanes(at: u32, c: u32, end: u32, sum: vec4f) {
  for (var l = 0u; l < 4u; l++) {
    if (c + l < end) {
      var v = sum[l];
      if (RESIDUAL == 1u) {
        v += residual[at + l];
      }
      v = activate(v);
      if (RESIDUAL == 2u) {
        v += residual[at + l];
      }
      output[at + l] = v;
    }
  }
}

// storeLanes for output channels c .. c + 3 of a tensor with params.outC channels.
fn store(at: u32, c: u32, sum: vec4f) {
  storeLanes(at, c, params.outC, sum);
}
