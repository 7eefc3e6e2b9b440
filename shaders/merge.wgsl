// Elementwise merge of two tensors with broadcasting: output = activate(OP(lhs, rhs) * scale).
// Keras merges of n inputs run as a chain of these steps over the same output buffer:
//   step 0:  output = OP(a, b)             (a = input 0, b = input 1)
//   step k:  output = OP(output, b)        (A_MODE = 2, b = input k + 1)
// Average is a chain of adds whose last step has scale = 1/n; only the last step fuses an
// activation (ACT, from lib_activation.wgsl). OP: 0 add, 1 subtract, 2 multiply, 3 maximum, 4 minimum.
// Maximum and minimum are lib_nan.wgsl's max_nan/min_nan: NaN in either operand gives NaN, as
// tf.maximum and the reference (Math.max) do; WGSL's max/min may return the other operand.
//
// Layout: the output (channels-last, row-major) is indexed flat. An operand whose shape equals the
// output's is read at the flat index (mode 0). A broadcast operand (mode 1) is read through its own
// element strides over the output's coordinates, 0 along broadcast axes (numpy style after Keras'
// rank alignment, see src/geometry/broadcast.ts). The host coalesces adjacent axes that broadcast the
// same way for both operands, so squeeze-and-excitation [N,H,W,C] × [N,1,1,C] is 3 axes
// [N, H·W, C]; up to 8 axes (lib_strided_index.wgsl). The modes are overrides: each pipeline
// carries only the index arithmetic it needs. Work split (lib_elementwise_main.wgsl): each
// invocation writes PER consecutive outputs, each bounds-checked against `count`.

struct Params {
  count: u32,
  scale: f32,
  dims: array<vec4u, 2>,
  after: array<vec4u, 2>,
  aStrides: array<vec4u, 2>,
  bStrides: array<vec4u, 2>,
}

override OP: u32 = 0u;
/** 0: a has the output's shape; 1: a is broadcast; 2: the left operand is `output` itself. */
override A_MODE: u32 = 0u;
/** 0: b has the output's shape; 1: b is broadcast. */
override B_MODE: u32 = 0u;

@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

// Offsets of the flat output index i in a and b.
fn offsetsOf(i: u32) -> vec2u {
  let c = coordsOf(i);
  return vec2u(offsetOf(c, params.aStrides), offsetOf(c, params.bStrides));
}

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return max_nan(x, y); }
    case 4u: { return min_nan(x, y); }
    default: { return x + y; }
  }
}

fn element(i: u32) {
  var off = vec2u(i);
  if (A_MODE == 1u || B_MODE == 1u) {
    off = offsetsOf(i);
  }
  var x: f32;
  if (A_MODE == 2u) {
    x = output[i];
  } else {
    x = a[select(i, off.x, A_MODE == 1u)];
  }
  let y = b[select(i, off.y, B_MODE == 1u)];
  output[i] = activate(combine(x, y) * params.scale);
}
