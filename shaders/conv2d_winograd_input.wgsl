// Winograd F(4×4, 3×3), step 1 of 3: the input transform (src/ops/conv2d-winograd.ts runs the three
// steps; the algorithm is described there). For one chunk of output tiles it writes
//   V[p][t][ci] = (Bᵀ · d · B)[p],  p = 6·k + l (row k, column l of the 6×6 result),
// where d is the 6×6 input patch of tile t at rows 4·ty − padTop .. +5 and columns 4·tx − padLeft .. +5
// (taps outside the input read zero, which is both 'same' padding and the overhang of the last
// tiles). Bᵀ is Lavin & Gray's:
//   [4  0 −5  0  1  0]
//   [0 −4 −4  1  1  0]
//   [0  4 −4 −1  1  0]
//   [0 −2 −1  2  1  0]
//   [0  2 −1 −2  1  0]
//   [0  4  0 −5  0  1]
// All its entries are small integers, so the transform itself adds no rounding beyond the sums.
//
// Work split: one invocation transforms one tile for 4 input channels (one vec4; inC % 4 = 0):
// 36 vec4 loads, 36 vec4 stores. Consecutive invocations take consecutive channel blocks of the
// same tile, so their loads and stores are adjacent in memory.
// Layout: V is [36][chunkTiles][inC] (row stride fixed per plan; the last chunk fills fewer rows).
// The 6×6 patch is transformed along rows as it is loaded (6 vec4 live), then along columns.

struct Params {
  inH: u32,
  inW: u32,
  inC: u32,
  padTop: u32,
  padLeft: u32,
  // Tiles per image along y and x: ceil(outH / 4), ceil(outW / 4).
  tilesY: u32,
  tilesX: u32,
  // First tile of this chunk (tiles numbered (n·tilesY + ty)·tilesX + tx) and tiles in it.
  tile0: u32,
  tiles: u32,
  // Row stride of V: tiles per chunk in the plan (the most any chunk holds).
  chunkTiles: u32,
}

@group(0) @binding(1) var<storage, read> input: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> v: array<vec4f>;

// Bᵀ · x for one 6-vector (of vec4 lanes).
fn b_t(x0: vec4f, x1: vec4f, x2: vec4f, x3: vec4f, x4: vec4f, x5: vec4f) -> array<vec4f, 6> {
  return array<vec4f, 6>(
    4.0 * x0 - 5.0 * x2 + x4,
    -4.0 * (x1 + x2) + x3 + x4,
    4.0 * (x1 - x2) - x3 + x4,
    2.0 * (x3 - x1) - x2 + x4,
    2.0 * (x1 - x3) - x2 + x4,
    4.0 * x1 - 5.0 * x3 + x5,
  );
}

fn items() -> u32 {
  return params.tiles * (params.inC / 4u);
}

fn item(idx: u32) {
  let cin4 = params.inC / 4u;
  let c4 = idx % cin4;
  let t = idx / cin4; // tile within the chunk
  let g = params.tile0 + t;
  let tx = g % params.tilesX;
  let ty = (g / params.tilesX) % params.tilesY;
  let n = g / (params.tilesX * params.tilesY);
  let y0 = i32(ty * 4u) - i32(params.padTop);
  let x0 = i32(tx * 4u) - i32(params.padLeft);
  let inW = i32(params.inW);
  // Columns of the patch: clamped to an in-range address, zeroed by `select` when outside.
  let ixa = vec4i(0, 1, 2, 3) + x0;
  let ina = (ixa >= vec4i(0)) & (ixa < vec4i(inW));
  let cxa = vec4u(clamp(ixa, vec4i(0), vec4i(inW - 1)));
  let ixb = vec2i(4, 5) + x0;
  let inb = (ixb >= vec2i(0)) & (ixb < vec2i(inW));
  let cxb = vec2u(clamp(ixb, vec2i(0), vec2i(inW - 1)));
  let zero = vec4f(0.0);
  // r[6·i + l]: row i of the patch after the row transform.
  var r: array<vec4f, 36>;
  for (var i = 0u; i < 6u; i++) {
    let iy = y0 + i32(i);
    var h = array<vec4f, 6>(zero, zero, zero, zero, zero, zero);
    if (iy >= 0 && iy < i32(params.inH)) {
      let row = (n * params.inH + u32(iy)) * params.inW;
      let d0 = select(zero, input[(row + cxa.x) * cin4 + c4], ina.x);
      let d1 = select(zero, input[(row + cxa.y) * cin4 + c4], ina.y);
      let d2 = select(zero, input[(row + cxa.z) * cin4 + c4], ina.z);
      let d3 = select(zero, input[(row + cxa.w) * cin4 + c4], ina.w);
      let d4 = select(zero, input[(row + cxb.x) * cin4 + c4], inb.x);
      let d5 = select(zero, input[(row + cxb.y) * cin4 + c4], inb.y);
      h = b_t(d0, d1, d2, d3, d4, d5);
    }
    for (var l = 0u; l < 6u; l++) {
      r[6u * i + l] = h[l];
    }
  }
  // Column transform of each column l; point p = 6·k + l lands at V[p][t][c4].
  let plane = params.chunkTiles * cin4; // vec4s per point
  let at = t * cin4 + c4;
  for (var l = 0u; l < 6u; l++) {
    var c = b_t(r[l], r[6u + l], r[12u + l], r[18u + l], r[24u + l], r[30u + l]);
    for (var k = 0u; k < 6u; k++) {
      v[(6u * k + l) * plane + at] = c[k];
    }
  }
}
