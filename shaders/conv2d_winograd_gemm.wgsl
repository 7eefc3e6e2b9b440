// Winograd F(4×4, 3×3), step 2 of 3: 36 independent matrix products, one per transform point p
// (src/ops/conv2d-winograd.ts runs the three steps):
//   M[p][t][co] = Σ_ci V[p][t][ci] · U[p][ci][co],   t < tiles of this chunk.
// V is [36][chunkTiles][inC] (shaders/conv2d_winograd_input.wgsl), U the transformed kernel
// [36][inC][outBlocks·4] (host, outC zero-padded to a multiple of 8), M [36][chunkTiles][outBlocks·4].
// The buffers are named as lib_gemm_8x8.wgsl reads them: input = V, kernel = U, output = M.
//
// Work split: the register tile of shaders/conv2d_1x1.wgsl, which won its A/B timings: one
// invocation computes 8 rows (tiles) × 8 channels (two vec4 blocks) of one point in sixteen vec4
// accumulators; per step of 4 input channels it loads 8 V vec4 and 8 U vec4 for 256 multiply-adds.
// Consecutive invocations take consecutive channel pairs of the same rows and point. No workgroup
// memory: on SwiftShader barriers cost more than the loads they would save (bench/probes/matmul.wgsl).
// Rows past `tiles` read row tiles − 1 and write rows that the output transform never reads
// (chunkTiles is a multiple of 8, so they stay inside the buffer); M's padded channels are written
// too (zero weights), so every store is a whole vec4 with no test.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_tile_8x8.wgsl +
// lib_gemm_8x8.wgsl (the register-blocked product).

struct Params {
  inC: u32,
  // vec4 columns of U and M (even).
  outBlocks: u32,
  tiles: u32,
  chunkTiles: u32,
}

@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read> kernel: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> output: array<vec4f>;

const ROWS: u32 = 8u;

fn items() -> u32 {
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let rowTiles = (params.tiles + ROWS - 1u) / ROWS;
  return 36u * rowTiles * pairs;
}

fn item(idx: u32) {
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let rowTiles = (params.tiles + ROWS - 1u) / ROWS;
  let cblk = (idx % pairs) * 2u;
  let rest = idx / pairs;
  let t0 = (rest % rowTiles) * ROWS;
  let p = rest / rowTiles;
  let vBase = p * params.chunkTiles;
  let t = gemm8x8(vBase + t0, vBase + params.tiles - 1u, params.inC / 4u, p * params.inC * blocks + cblk);
  var o = (vBase + t0) * blocks + cblk;
  output[o] = t.a00; output[o + 1u] = t.a01; o += blocks;
  output[o] = t.a10; output[o + 1u] = t.a11; o += blocks;
  output[o] = t.a20; output[o + 1u] = t.a21; o += blocks;
  output[o] = t.a30; output[o + 1u] = t.a31; o += blocks;
  output[o] = t.a40; output[o + 1u] = t.a41; o += blocks;
  output[o] = t.a50; output[o + 1u] = t.a51; o += blocks;
  output[o] = t.a60; output[o + 1u] = t.a61; o += blocks;
  output[o] = t.a70; output[o + 1u] = t.a71;
}
