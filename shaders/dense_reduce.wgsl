// Dense, reduce step after dense_splitk.wgsl: output[r, n] = act(sum_s partials[s, r, n] + bias[n]).
//
// One invocation per (row, 4 output units) (lib_flat_main.wgsl): it adds the `slices` partial vec4
// in slice order (deterministic), adds the bias (padded to N4 vec4 at plan time) and applies the
// fused activation per lane. The output keeps the unpadded [rows, N] layout, so it is written as
// scalars and the padding lanes (n >= N) are dropped (lib_dense_store.wgsl).

struct Params {
  rows: u32,
  outFeatures: u32,
  n4: u32,
  slices: u32,
}

@group(0) @binding(1) var<storage, read> partials: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

fn item(idx: u32) {
  let N4 = params.n4;
  let n4 = idx % N4;
  let stride = params.rows * N4;
  var acc = vec4f(0.0);
  for (var s = 0u; s < params.slices; s++) {
    acc += partials[s * stride + idx];
  }
  storeUnits(idx / N4, n4, acc + bias[n4]);
}

fn items() -> u32 {
  return params.rows * params.n4;
}
