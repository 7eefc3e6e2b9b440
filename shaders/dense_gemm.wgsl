// Dense as a register-blocked matrix product (many rows: batch >= 8, Dense on rank-4 tensors):
// output[r, n] = act(sum_k input[r, k] * kernel[k, n] + bias[n]).
//
// Each invocation computes a 4-row × 8-unit block in eight vec4 accumulators. Per k it loads
// 2 vec4 of the kernel (bound as [K, N4] vec4, padded at plan time to N4 = ceil(N / 4)) and 4
// input scalars, and does 8 vec4 FMAs: each kernel word is reused 4 times and each input value
// 8 times, from registers. No workgroup memory and no barriers (slow on SwiftShader; the same
// reuse as bench/probes/matmul.wgsl). Consecutive invocations take consecutive 8-unit column
// blocks of the same 4 rows, so a SIMD group reads contiguous kernel words and shares input rows.
// Edges: rows past `rows` read row rows-1, the second vec4 past N4 re-reads the last vec4; neither
// is stored, and lanes past N (padding) are dropped at the scalar store.

struct Params {
  rows: u32,
  inFeatures: u32,
  outFeatures: u32,
  n4: u32,
  colBlocks: u32,
}

// K % 4 == 0: input rows start on 16-byte boundaries, so four k of a row are one vec4 load
// (input4 aliases input; both are read-only).
override VEC_IN: bool = false;

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
@group(0) @binding(5) var<storage, read> input4: array<vec4f>;

// Rows past `rows` and the second vec4 past N4 are not stored (lib_dense_store.wgsl drops lanes past N).
fn store4(r: u32, n4: u32, v: vec4f) {
  if (r >= params.rows || n4 >= params.n4) {
    return;
  }
  storeUnits(r, n4, v);
}

// One item per block of 4 rows × 8 units (lib_flat_main.wgsl).
fn items() -> u32 {
  return ((params.rows + 3u) / 4u) * params.colBlocks;
}

fn item(idx: u32) {
  let rows = params.rows;
  let K = params.inFeatures;
  let N4 = params.n4;
  let cb = idx % params.colBlocks;
  let r0 = (idx / params.colBlocks) * 4u;
  let c0 = cb * 2u;
  let c1 = min(c0 + 1u, N4 - 1u);
  let last = rows - 1u;
  let i0 = min(r0, last) * K;
  let i1 = min(r0 + 1u, last) * K;
  let i2 = min(r0 + 2u, last) * K;
  let i3 = min(r0 + 3u, last) * K;
  var p0 = vec4f(0.0);
  var q0 = vec4f(0.0);
  var p1 = vec4f(0.0);
  var q1 = vec4f(0.0);
  var p2 = vec4f(0.0);
  var q2 = vec4f(0.0);
  var p3 = vec4f(0.0);
  var q3 = vec4f(0.0);
  var w = 0u;
  var k = 0u;
  if (VEC_IN) {
    // Four k per step: 4 input vec4 + 8 kernel vec4 feed 32 vec4 FMAs (the probe's 4×4 pattern, ×2 wide).
    let K4 = K / 4u;
    for (var k4 = 0u; k4 < K4; k4++) {
      let x0 = input4[i0 / 4u + k4];
      let x1 = input4[i1 / 4u + k4];
      let x2 = input4[i2 / 4u + k4];
      let x3 = input4[i3 / 4u + k4];
      let b0 = kernel[w + c0];
      let b1 = kernel[w + c1];
      let e0 = kernel[w + N4 + c0];
      let e1 = kernel[w + N4 + c1];
      let f0 = kernel[w + 2u * N4 + c0];
      let f1 = kernel[w + 2u * N4 + c1];
      let g0 = kernel[w + 3u * N4 + c0];
      let g1 = kernel[w + 3u * N4 + c1];
      w += 4u * N4;
      p0 += x0.x * b0 + x0.y * e0 + x0.z * f0 + x0.w * g0;
      q0 += x0.x * b1 + x0.y * e1 + x0.z * f1 + x0.w * g1;
      p1 += x1.x * b0 + x1.y * e0 + x1.z * f0 + x1.w * g0;
      q1 += x1.x * b1 + x1.y * e1 + x1.z * f1 + x1.w * g1;
      p2 += x2.x * b0 + x2.y * e0 + x2.z * f0 + x2.w * g0;
      q2 += x2.x * b1 + x2.y * e1 + x2.z * f1 + x2.w * g1;
      p3 += x3.x * b0 + x3.y * e0 + x3.z * f0 + x3.w * g0;
      q3 += x3.x * b1 + x3.y * e1 + x3.z * f1 + x3.w * g1;
    }
    k = K4 * 4u;
  }
  for (; k < K; k++) {
    let b0 = kernel[w + c0];
    let b1 = kernel[w + c1];
    w += N4;
    let x0 = input[i0 + k];
    let x1 = input[i1 + k];
    let x2 = input[i2 + k];
    let x3 = input[i3 + k];
    p0 += x0 * b0;
    q0 += x0 * b1;
    p1 += x1 * b0;
    q1 += x1 * b1;
    p2 += x2 * b0;
    q2 += x2 * b1;
    p3 += x3 * b0;
    q3 += x3 * b1;
  }
  let bb0 = bias[c0];
  let bb1 = bias[c1];
  store4(r0, c0, p0 + bb0);
  store4(r0, c0 + 1u, q0 + bb1);
  store4(r0 + 1u, c0, p1 + bb0);
  store4(r0 + 1u, c0 + 1u, q1 + bb1);
  store4(r0 + 2u, c0, p2 + bb0);
  store4(r0 + 2u, c0 + 1u, q2 + bb1);
  store4(r0 + 3u, c0, p3 + bb0);
  store4(r0 + 3u, c0 + 1u, q3 + bb1);
}
