// Fragment: the channel loop of one kernel tap for inC a multiple of 4 (conv2d_8px8ch_vec4 and
// conv2d_pool_8px8ch_vec4). The input is read as vec4 along channels (channels-last, inC % 4 = 0,
// so a pixel's channels start on a vec4 boundary): per step of 4 input channels it loads 8 input
// vec4 (one per pixel) and 8 weight vec4 for 256 multiply-adds (lib_tile_8x8.wgsl's mac8x8), 16
// per vec4 load, against 3.2 for conv2d_grouped.wgsl's scalar input loads.
//
// Provides: `input` (binding 1, vec4), tap8px8ch() for lib_conv2d_8px8ch.wgsl. The including kernel
// links lib_tile_8x8.wgsl and defines params.inC and params.outBlocks.

@group(0) @binding(1) var<storage, read> input: array<vec4f>;

fn tap8px8ch(t: ptr<function, Tile8x8>, pix0: vec4u, in0: vec4<bool>, pix4: vec4u, in4: vec4<bool>, w: u32) {
  let cin4 = params.inC / 4u;
  let base0 = pix0 * cin4;
  let base4 = pix4 * cin4;
  let step = 4u * params.outBlocks;
  let zero = vec4f(0.0);
  var wc = w;
  for (var c4 = 0u; c4 < cin4; c4++) {
    let v0 = select(zero, input[base0.x + c4], in0.x);
    let v1 = select(zero, input[base0.y + c4], in0.y);
    let v2 = select(zero, input[base0.z + c4], in0.z);
    let v3 = select(zero, input[base0.w + c4], in0.w);
    let v4 = select(zero, input[base4.x + c4], in4.x);
    let v5 = select(zero, input[base4.y + c4], in4.y);
    let v6 = select(zero, input[base4.z + c4], in4.z);
    let v7 = select(zero, input[base4.w + c4], in4.w);
    mac8x8(t, v0, v1, v2, v3, v4, v5, v6, v7, wc);
    wc += step;
  }
}
