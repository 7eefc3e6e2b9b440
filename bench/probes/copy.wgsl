// Attainable-bandwidth probe: dst = src, as vec4<f32>, one element per invocation. Bytes moved per
// dispatch = 2 × buffer size (one read, one write): what a memory-bound kernel can hope for.
@group(0) @binding(0) var<storage, read> src: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = id.y * nwg.x * 256u + id.x;
  if (i < arrayLength(&src)) {
    dst[i] = src[i];
  }
}
