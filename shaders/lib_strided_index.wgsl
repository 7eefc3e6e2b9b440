// Fragment: where a flat output index lands in an operand read through element strides over up to 8
// output axes (Permute's source, PReLU's alpha, a broadcast Merge operand).
//
// Axis d's coordinate is (i / after[d]) % dims[d] (after = product of the later output axes). The
// host coalesces adjacent axes that move or broadcast alike (src/geometry/broadcast.ts) and stores
// the axes at the END of two vec4 lanes (front slots: size 1, stride 0, contributing nothing), so an
// offset costs two vec4 divides, two modulos and two dot products: no loop and no branch.
//
// Provides: struct AxisCoords, coordsOf(i), offsetOf(coords, strides).
// The linking kernel's Params has members dims and after, each array<vec4u, 2>.

struct AxisCoords {
  lo: vec4u,
  hi: vec4u,
}

fn coordsOf(i: u32) -> AxisCoords {
  return AxisCoords((vec4u(i) / params.after[0]) % params.dims[0], (vec4u(i) / params.after[1]) % params.dims[1]);
}

fn offsetOf(c: AxisCoords, strides: array<vec4u, 2>) -> u32 {
  return dot(c.lo, strides[0]) + dot(c.hi, strides[1]);
}
