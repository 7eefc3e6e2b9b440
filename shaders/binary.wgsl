// Elementwise merge of two tensors with broadcasting: output = activate(OP(lhs, b) * scale).
// Keras merges of n inputs run as a chain of these steps over the same output buffer:
//   step 0:  output = OP(a, b)             (a = input 0, b = input 1)
//   step k:  output = OP(output, b)        (accumulate = 1, b = input k + 1)
// Average is a chain of adds whose last step has scale = 1/n; only the last step fuses an
// activation (ACT, from activation.wgsl). OP: 0 add, 1 subtract, 2 multiply, 3 maximum, 4 minimum.
//
// Layout: the output (channels-last, row-major) is indexed flat. Each input is read through its
// own element strides over the output's coordinates, 0 along broadcast axes (numpy style after
// Keras' rank alignment, see src/ops/broadcast.ts); shapes and strides are padded at the front to
// 8 axes with size 1. An input whose shape equals the output's (`aFull`/`bFull` = 1) is read at the
// flat index directly, skipping the coordinate arithmetic. Each invocation writes PER consecutive
// outputs; the flat index folds dispatch y into x (src/ops/dispatch.ts) and is bounds-checked.

struct Params {
  count: u32,
  accumulate: u32,
  aFull: u32,
  bFull: u32,
  scale: f32,
  dims: array<vec4u, 2>,
  aStrides: array<vec4u, 2>,
  bStrides: array<vec4u, 2>,
}

override WG: u32 = 64u;
override PER: u32 = 4u;
override OP: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

// Offset of the flat output index i in a tensor read with the given strides.
fn offsetOf(i: u32, strides: array<vec4u, 2>) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = 7i; d >= 0i; d--) {
    let size = params.dims[d / 4][d % 4];
    off += (rem % size) * strides[d / 4][d % 4];
    rem /= size;
  }
  return off;
}

fn combine(x: f32, y: f32) -> f32 {
  switch OP {
    case 1u: { return x - y; }
    case 2u: { return x * y; }
    case 3u: { return max(x, y); }
    case 4u: { return min(x, y); }
    default: { return x + y; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = (gid.x + gid.y * nwg.x * WG) * PER;
  for (var j = 0u; j < PER; j++) {
    let i = base + j;
    if (i >= params.count) {
      return;
    }
    var x: f32;
    if (params.accumulate != 0u) {
      x = output[i];
    } else if (params.aFull != 0u) {
      x = a[i];
    } else {
      x = a[offsetOf(i, params.aStrides)];
    }
    var y: f32;
    if (params.bFull != 0u) {
      y = b[i];
    } else {
      y = b[offsetOf(i, params.bStrides)];
    }
    output[i] = activate(combine(x, y) * params.scale);
  }
}
