// Winograd F(4×4, 3×3), step 3 of 3: the output transform and the conv epilogue
// (src/ops/conv2d-winograd.ts runs the three steps). For one chunk of tiles:
//   out[n, 4·ty + i, 4·tx + j, co] = activate(bias[co] + (Aᵀ · m · A)[i][j] + res[...]),
// m the 6×6 points of tile t from M[36][chunkTiles][outBlocks·4] (shaders/conv2d_winograd_gemm.wgsl),
// res the residual of a fused Add when RESIDUAL = 1; RESIDUAL = 2 adds it after the activation, as
// in shaders/conv2d_8px8ch_vec4.wgsl (src/ops/conv2d-residual.ts). Aᵀ (Lavin & Gray):
//   [1  1  1  1  1  0]
//   [0  1 −1  2 −2  0]
//   [0  1  1  4  4  0]
//   [0  1 −1  8 −8  1]
//
// Work split: one invocation, one tile × 4 output channels (one vec4): 36 vec4 loads, up to 16
// pixels × 4 channels written. Only pixels inside outH × outW (the last tiles overhang) and
// channels below outC (M is padded to 8) are written. Consecutive invocations take consecutive
// channel blocks of the same tile.
//
// Linked from: lib_flat_main.wgsl (entry point, flat item index), lib_conv_store.wgsl (residual,
// activation, channels past outC; binding 5).

struct Params {
  outH: u32,
  outW: u32,
  outC: u32,
  // vec4 columns of M (even).
  outBlocks: u32,
  tilesY: u32,
  tilesX: u32,
  tile0: u32,
  tiles: u32,
  chunkTiles: u32,
}

@group(0) @binding(1) var<storage, read> m: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

// Aᵀ · x for one 6-vector (of vec4 lanes).
fn a_t(x0: vec4f, x1: vec4f, x2: vec4f, x3: vec4f, x4: vec4f, x5: vec4f) -> array<vec4f, 4> {
  let s12 = x1 + x2;
  let d12 = x1 - x2;
  let s34 = x3 + x4;
  let d34 = x3 - x4;
  return array<vec4f, 4>(x0 + s12 + s34, d12 + 2.0 * d34, s12 + 4.0 * s34, d12 + 8.0 * d34 + x5);
}

fn items() -> u32 {
  return params.tiles * ((params.outC + 3u) / 4u);
}

fn item(idx: u32) {
  let cout4 = (params.outC + 3u) / 4u;
  let cb = idx % cout4;
  let t = idx / cout4;
  let blocks = params.outBlocks;
  let plane = params.chunkTiles * blocks; // vec4s per point
  let base = t * blocks + cb;
  // s[4·k + j]: row k of the points after the row transform.
  var s: array<vec4f, 24>;
  for (var k = 0u; k < 6u; k++) {
    let row = 6u * k * plane + base;
    var h = a_t(m[row], m[row + plane], m[row + 2u * plane], m[row + 3u * plane], m[row + 4u * plane], m[row + 5u * plane]);
    for (var j = 0u; j < 4u; j++) {
      s[4u * k + j] = h[j];
    }
  }
  let g = params.tile0 + t;
  let tx = g % params.tilesX;
  let ty = (g / params.tilesX) % params.tilesY;
  let n = g / (params.tilesX * params.tilesY);
  let b = bias[cb];
  let c0 = cb * 4u;
  for (var j = 0u; j < 4u; j++) {
    let ox = tx * 4u + j;
    if (ox >= params.outW) {
      break;
    }
    var o = a_t(s[j], s[4u + j], s[8u + j], s[12u + j], s[16u + j], s[20u + j]);
    for (var i = 0u; i < 4u; i++) {
      let oy = ty * 4u + i;
      if (oy >= params.outH) {
        break;
      }
      store(((n * params.outH + oy) * params.outW + ox) * params.outC + c0, c0, o[i] + b);
    }
  }
}
