// Attainable-FLOP/s probe: C = A·B for square row-major f32 matrices of size N (a multiple of 32),
// bound as vec4 arrays. Each invocation computes a 4×4 block of C in four vec4 registers: per step
// of 4 along K it loads 4 vec4 of A (4 rows × 4 k) and 4 vec4 of B (4 k × 4 columns) and does 64
// FMAs, so every loaded value is used 4 times. No workgroup memory and no barriers: a first tiling
// with a 64×16 shared slab and workgroupBarrier ran at 0.17 GFLOP/s on SwiftShader, which runs each
// barrier as a coroutine switch, while register blocking alone is also what caches reward on GPUs.
// It is the yardstick the benchmark holds our conv/dense kernels against, not a kernel of the engine.
struct Params { n: u32 }
@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> c: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let n4 = params.n / 4u; // vec4s per row
  let row = gid.y * 4u;   // first of this invocation's 4 rows
  let col4 = gid.x;       // its column block (4 columns, one vec4)
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var k4 = 0u; k4 < n4; k4++) {
    let a0 = a[(row + 0u) * n4 + k4];
    let a1 = a[(row + 1u) * n4 + k4];
    let a2 = a[(row + 2u) * n4 + k4];
    let a3 = a[(row + 3u) * n4 + k4];
    let k = k4 * 4u;
    let b0 = b[(k + 0u) * n4 + col4];
    let b1 = b[(k + 1u) * n4 + col4];
    let b2 = b[(k + 2u) * n4 + col4];
    let b3 = b[(k + 3u) * n4 + col4];
    c0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    c1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    c2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    c3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
  c[(row + 0u) * n4 + col4] = c0;
  c[(row + 1u) * n4 + col4] = c1;
  c[(row + 2u) * n4 + col4] = c2;
  c[(row + 3u) * n4 + col4] = c3;
}
