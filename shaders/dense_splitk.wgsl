// Dense, split-K step (few rows, long K: batch-1 Flatten → Dense is a matrix-vector product that
// is bound by reading the kernel once). partials[s, r, n4] = sum_{k in slice s} input[r, k] * kernel[k, n4].
//
// Layout: the kernel is bound as [K, N4] vec4 (Keras' [K, N] row-major, padded at plan time to
// N4 = ceil(N / 4) vec4 per row when N % 4 != 0), so 4 consecutive output units are one vec4 load
// and consecutive invocations (consecutive n4) read consecutive 16-byte words of one kernel row.
// Work split: invocation (rb, s, n4) owns RB rows (1–4, an override: unused accumulators are
// compiled out) × 4 output units over K slice s = [s·sliceLen, min(K, (s+1)·sliceLen)). Each kernel
// vec4 is loaded once and used RB times; the input is read as scalars (RB per k, cheap next to the
// kernel; vec4 input loads measured no faster here, unlike dense_gemm). Four k per loop iteration
// keep four kernel loads in flight (86 → 28 ms on the seed network's Dense). No workgroup memory or barriers: both are slow on SwiftShader and the reuse is in
// registers. Rows past `rows` (last row block) read row rows-1 and are not stored.
// Accuracy: each slice is a short f32 sum and dense_reduce.wgsl adds the slices, a two-level
// (pairwise-like) summation that is more accurate than one long running sum.

struct Params {
  rows: u32,
  inFeatures: u32,
  n4: u32,
  slices: u32,
  sliceLen: u32,
  rowBlocks: u32,
}

override RB: u32 = 1u;

@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> partials: array<vec4f>;

// One item per (row block, slice, 4 units) (lib_flat_main.wgsl).
fn items() -> u32 {
  return params.rowBlocks * params.slices * params.n4;
}

fn item(idx: u32) {
  let N4 = params.n4;
  let n4 = idx % N4;
  let s = (idx / N4) % params.slices;
  let rb = idx / (N4 * params.slices);
  let K = params.inFeatures;
  let last = params.rows - 1u;
  let r0 = rb * RB;
  let b0 = min(r0, last) * K;
  let b1 = min(r0 + 1u, last) * K;
  let b2 = min(r0 + 2u, last) * K;
  let b3 = min(r0 + 3u, last) * K;
  let k0 = s * params.sliceLen;
  let k1 = min(K, k0 + params.sliceLen);
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  var w = k0 * N4 + n4;
  var k = k0;
  // Four k per iteration: four independent kernel loads in flight before the FMAs use them.
  for (; k + 4u <= k1; k += 4u) {
    let w0 = kernel[w];
    let w1 = kernel[w + N4];
    let w2 = kernel[w + 2u * N4];
    let w3 = kernel[w + 3u * N4];
    w += 4u * N4;
    a0 += input[b0 + k] * w0 + input[b0 + k + 1u] * w1 + input[b0 + k + 2u] * w2 + input[b0 + k + 3u] * w3;
    if (RB > 1u) { a1 += input[b1 + k] * w0 + input[b1 + k + 1u] * w1 + input[b1 + k + 2u] * w2 + input[b1 + k + 3u] * w3; }
    if (RB > 2u) { a2 += input[b2 + k] * w0 + input[b2 + k + 1u] * w1 + input[b2 + k + 2u] * w2 + input[b2 + k + 3u] * w3; }
    if (RB > 3u) { a3 += input[b3 + k] * w0 + input[b3 + k + 1u] * w1 + input[b3 + k + 2u] * w2 + input[b3 + k + 3u] * w3; }
  }
  for (; k < k1; k++) {
    let b = kernel[w];
    w += N4;
    a0 += input[b0 + k] * b;
    if (RB > 1u) { a1 += input[b1 + k] * b; }
    if (RB > 2u) { a2 += input[b2 + k] * b; }
    if (RB > 3u) { a3 += input[b3 + k] * b; }
  }
  // partials is [slices, rows, N4]: the reduce step walks s with stride rows·N4.
  let rows = params.rows;
  let out = (s * rows + r0) * N4 + n4;
  partials[out] = a0;
  if (RB > 1u && r0 + 1u < rows) { partials[out + N4] = a1; }
  if (RB > 2u && r0 + 2u < rows) { partials[out + 2u * N4] = a2; }
  if (RB > 3u && r0 + 3u < rows) { partials[out + 3u * N4] = a3; }
}
