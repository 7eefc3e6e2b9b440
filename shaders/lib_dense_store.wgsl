// Fragment: the store of dense_gemm.wgsl and dense_reduce.wgsl. Their accumulators are vec4 over 4
// consecutive output units (the kernel is bound as [K, N4] vec4, padded at plan time to
// N4 = ceil(N / 4)), but the output keeps the unpadded [rows, N] layout, so a vec4 is written as
// scalars, each through the fused activation, and the padding lanes (n >= N) are dropped.
//
// Provides: storeUnits(). The linking kernel defines Params with outFeatures, binds `output`, and
// links lib_activation.wgsl.

// Writes activate(v) to output[r, 4·n4 .. 4·n4 + 3], the lanes that are below N.
fn storeUnits(r: u32, n4: u32, v: vec4f) {
  let N = params.outFeatures;
  let n = n4 * 4u;
  let o = r * N + n;
  output[o] = activate(v.x);
  if (n + 1u < N) { output[o + 1u] = activate(v.y); }
  if (n + 2u < N) { output[o + 2u] = activate(v.z); }
  if (n + 3u < N) { output[o + 3u] = activate(v.w); }
}
