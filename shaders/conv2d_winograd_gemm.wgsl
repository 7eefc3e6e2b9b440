// Winograd F(4×4, 3×3), step 2 of 3: 36 independent matrix products, one per transform point p
// (src/ops/conv2d-winograd.ts runs the three steps):
//   M[p][t][co] = Σ_ci V[p][t][ci] · U[p][ci][co],   t < tiles of this chunk.
// V is [36][chunkTiles][inC] (shaders/conv2d_winograd_input.wgsl), U the transformed kernel
// [36][inC][outBlocks·4] (host, outC zero-padded to a multiple of 8), M [36][chunkTiles][outBlocks·4].
//
// Work split: the register tile of shaders/conv2d_1x1.wgsl, which won its A/B timings: one
// invocation computes 8 rows (tiles) × 8 channels (two vec4 blocks) of one point in sixteen vec4
// accumulators; per step of 4 input channels it loads 8 V vec4 and 8 U vec4 for 256 multiply-adds.
// Consecutive invocations take consecutive channel pairs of the same rows and point. No workgroup
// memory: on SwiftShader barriers cost more than the loads they would save (bench/probes/matmul.wgsl).
// Rows past `tiles` read row tiles − 1 and write rows that the output transform never reads
// (chunkTiles is a multiple of 8, so they stay inside the buffer); M's padded channels are written
// too (zero weights), so every store is a whole vec4 with no test.

struct Params {
  inC: u32,
  // vec4 columns of U and M (even).
  outBlocks: u32,
  tiles: u32,
  chunkTiles: u32,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> v: array<vec4f>;
@group(0) @binding(2) var<storage, read> u: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;

const ROWS: u32 = 8u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  let blocks = params.outBlocks;
  let pairs = blocks / 2u;
  let rowTiles = (params.tiles + ROWS - 1u) / ROWS;
  if (idx >= 36u * rowTiles * pairs) {
    return;
  }
  let cblk = (idx % pairs) * 2u;
  let rest = idx / pairs;
  let t0 = (rest % rowTiles) * ROWS;
  let p = rest / rowTiles;
  let cin4 = params.inC / 4u;
  let vBase = p * params.chunkTiles;
  let last = vec4u(params.tiles - 1u);
  let r0 = (vBase + min(vec4u(t0) + vec4u(0u, 1u, 2u, 3u), last)) * cin4;
  let r4 = (vBase + min(vec4u(t0) + vec4u(4u, 5u, 6u, 7u), last)) * cin4;
  let zero = vec4f(0.0);
  // a<row><block>: row t0 + r, channels 4·(cblk + b) .. +3.
  var a00 = zero; var a01 = zero;
  var a10 = zero; var a11 = zero;
  var a20 = zero; var a21 = zero;
  var a30 = zero; var a31 = zero;
  var a40 = zero; var a41 = zero;
  var a50 = zero; var a51 = zero;
  var a60 = zero; var a61 = zero;
  var a70 = zero; var a71 = zero;
  var w = p * params.inC * blocks + cblk;
  for (var c4 = 0u; c4 < cin4; c4++) {
    let v0 = v[r0.x + c4];
    let v1 = v[r0.y + c4];
    let v2 = v[r0.z + c4];
    let v3 = v[r0.w + c4];
    let v4 = v[r4.x + c4];
    let v5 = v[r4.y + c4];
    let v6 = v[r4.z + c4];
    let v7 = v[r4.w + c4];
    // Weights of input channels 4·c4 .. +3 (first digit) for the two blocks (second digit).
    let w00 = u[w]; let w01 = u[w + 1u]; w += blocks;
    let w10 = u[w]; let w11 = u[w + 1u]; w += blocks;
    let w20 = u[w]; let w21 = u[w + 1u]; w += blocks;
    let w30 = u[w]; let w31 = u[w + 1u]; w += blocks;
    a00 += v0.x * w00 + v0.y * w10 + v0.z * w20 + v0.w * w30;
    a01 += v0.x * w01 + v0.y * w11 + v0.z * w21 + v0.w * w31;
    a10 += v1.x * w00 + v1.y * w10 + v1.z * w20 + v1.w * w30;
    a11 += v1.x * w01 + v1.y * w11 + v1.z * w21 + v1.w * w31;
    a20 += v2.x * w00 + v2.y * w10 + v2.z * w20 + v2.w * w30;
    a21 += v2.x * w01 + v2.y * w11 + v2.z * w21 + v2.w * w31;
    a30 += v3.x * w00 + v3.y * w10 + v3.z * w20 + v3.w * w30;
    a31 += v3.x * w01 + v3.y * w11 + v3.z * w21 + v3.w * w31;
    a40 += v4.x * w00 + v4.y * w10 + v4.z * w20 + v4.w * w30;
    a41 += v4.x * w01 + v4.y * w11 + v4.z * w21 + v4.w * w31;
    a50 += v5.x * w00 + v5.y * w10 + v5.z * w20 + v5.w * w30;
    a51 += v5.x * w01 + v5.y * w11 + v5.z * w21 + v5.w * w31;
    a60 += v6.x * w00 + v6.y * w10 + v6.z * w20 + v6.w * w30;
    a61 += v6.x * w01 + v6.y * w11 + v6.z * w21 + v6.w * w31;
    a70 += v7.x * w00 + v7.y * w10 + v7.z * w20 + v7.w * w30;
    a71 += v7.x * w01 + v7.y * w11 + v7.z * w21 + v7.w * w31;
  }
  var o = (vBase + t0) * blocks + cblk;
  m[o] = a00; m[o + 1u] = a01; o += blocks;
  m[o] = a10; m[o + 1u] = a11; o += blocks;
  m[o] = a20; m[o + 1u] = a21; o += blocks;
  m[o] = a30; m[o + 1u] = a31; o += blocks;
  m[o] = a40; m[o + 1u] = a41; o += blocks;
  m[o] = a50; m[o + 1u] = a51; o += blocks;
  m[o] = a60; m[o + 1u] = a61; o += blocks;
  m[o] = a70; m[o + 1u] = a71;
}
