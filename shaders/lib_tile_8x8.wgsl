// Fragment: the 8 × 8 register micro-kernel of the conv family (conv2d_8px8ch_vec4, the fused
// pools, conv2d_1x1, conv2d_transpose_tap and Winograd's products, through lib_gemm_8x8.wgsl).
//
// One invocation owns an 8 × 8 tile: 8 rows (output pixels, or matrix rows) × 8 output channels
// (two vec4 channel blocks), in sixteen vec4 accumulators. One step of 4 input channels loads 8
// input vec4 (one per row) and 8 weight vec4 (4 input channels × 2 blocks) for 256 multiply-adds,
// 16 per vec4 load. This tile won the same-run A/B timings on SwiftShader (see
// conv2d_8px8ch_vec4.wgsl: 1.2–2× faster than 4×8, 4×16, 8×4, 8×16, 12×8 and 16×8). No workgroup
// memory: on SwiftShader barriers cost more than the loads they would save (bench/probes/matmul.wgsl).
// The calls are inlined when the pipeline is compiled (SwiftShader cannot run a SPIR-V function
// call; its optimizer inlines them all), and the sums are those of the code written out in each
// kernel before this fragment existed: every conv-family output was bit-identical across the
// change (25 cases on SwiftShader, residual 0/1/2 included).
//
// Accuracy: each step sums 4 products (v.x·w0 + v.y·w1 + v.z·w2 + v.w·w3, left to right) before
// adding them to the accumulator, so a reduction of K terms takes K / 4 accumulator roundings.
//
// Provides: struct Tile8x8, mac8x8(). The including kernel defines `kernel: array<vec4f>` (weights
// laid out as [input channel][outBlocks vec4], the tile's two blocks adjacent) and params.outBlocks.

// a<row><block>: row r of the tile, output channels 4·(cblk + b) .. +3. Zero-initialised by Tile8x8().
struct Tile8x8 {
  a00: vec4f, a01: vec4f,
  a10: vec4f, a11: vec4f,
  a20: vec4f, a21: vec4f,
  a30: vec4f, a31: vec4f,
  a40: vec4f, a41: vec4f,
  a50: vec4f, a51: vec4f,
  a60: vec4f, a61: vec4f,
  a70: vec4f, a71: vec4f,
}

// One step of 4 input channels: v<r> holds them for row r; the weights of those channels for the
// tile's two blocks start at kernel[w] (blocks w, w + 1), one input channel per outBlocks vec4.
fn mac8x8(t: ptr<function, Tile8x8>, v0: vec4f, v1: vec4f, v2: vec4f, v3: vec4f, v4: vec4f, v5: vec4f, v6: vec4f, v7: vec4f, w: u32) {
  let blocks = params.outBlocks;
  // Weights of input channels 4·c4 .. +3 (first digit) for the two blocks (second digit).
  let w00 = kernel[w]; let w01 = kernel[w + 1u];
  let w10 = kernel[w + blocks]; let w11 = kernel[w + blocks + 1u];
  let w20 = kernel[w + 2u * blocks]; let w21 = kernel[w + 2u * blocks + 1u];
  let w30 = kernel[w + 3u * blocks]; let w31 = kernel[w + 3u * blocks + 1u];
  (*t).a00 += v0.x * w00 + v0.y * w10 + v0.z * w20 + v0.w * w30;
  (*t).a01 += v0.x * w01 + v0.y * w11 + v0.z * w21 + v0.w * w31;
  (*t).a10 += v1.x * w00 + v1.y * w10 + v1.z * w20 + v1.w * w30;
  (*t).a11 += v1.x * w01 + v1.y * w11 + v1.z * w21 + v1.w * w31;
  (*t).a20 += v2.x * w00 + v2.y * w10 + v2.z * w20 + v2.w * w30;
  (*t).a21 += v2.x * w01 + v2.y * w11 + v2.z * w21 + v2.w * w31;
  (*t).a30 += v3.x * w00 + v3.y * w10 + v3.z * w20 + v3.w * w30;
  (*t).a31 += v3.x * w01 + v3.y * w11 + v3.z * w21 + v3.w * w31;
  (*t).a40 += v4.x * w00 + v4.y * w10 + v4.z * w20 + v4.w * w30;
  (*t).a41 += v4.x * w01 + v4.y * w11 + v4.z * w21 + v4.w * w31;
  (*t).a50 += v5.x * w00 + v5.y * w10 + v5.z * w20 + v5.w * w30;
  (*t).a51 += v5.x * w01 + v5.y * w11 + v5.z * w21 + v5.w * w31;
  (*t).a60 += v6.x * w00 + v6.y * w10 + v6.z * w20 + v6.w * w30;
  (*t).a61 += v6.x * w01 + v6.y * w11 + v6.z * w21 + v6.w * w31;
  (*t).a70 += v7.x * w00 + v7.y * w10 + v7.z * w20 + v7.w * w30;
  (*t).a71 += v7.x * w01 + v7.y * w11 + v7.z * w21 + v7.w * w31;
}
