// Fragment: the channel loop of one kernel tap for any inC (conv2d_8px8ch_scalar and
// conv2d_pool_8px8ch_scalar: an RGB stem), with scalar input loads, since a pixel's channels do
// not start on a vec4 boundary: per input channel it loads 8 input scalars and 2 weight vec4 for
// 64 multiply-adds, one product per accumulator update (the input channels in order).
//
// Provides: `input` (binding 1, f32), tap8px8ch() for lib_conv2d_8px8ch.wgsl. The including kernel
// links lib_tile_8x8.wgsl (the accumulators) and defines `kernel`, params.inC and params.outBlocks.

@group(0) @binding(1) var<storage, read> input: array<f32>;

fn tap8px8ch(t: ptr<function, Tile8x8>, pix0: vec4u, in0: vec4<bool>, pix4: vec4u, in4: vec4<bool>, w: u32) {
  let blocks = params.outBlocks;
  let inC = params.inC;
  let base0 = pix0 * inC;
  let base4 = pix4 * inC;
  var wc = w;
  for (var ci = 0u; ci < inC; ci++) {
    let v0 = select(0.0, input[base0.x + ci], in0.x);
    let v1 = select(0.0, input[base0.y + ci], in0.y);
    let v2 = select(0.0, input[base0.z + ci], in0.z);
    let v3 = select(0.0, input[base0.w + ci], in0.w);
    let v4 = select(0.0, input[base4.x + ci], in4.x);
    let v5 = select(0.0, input[base4.y + ci], in4.y);
    let v6 = select(0.0, input[base4.z + ci], in4.z);
    let v7 = select(0.0, input[base4.w + ci], in4.w);
    let w0 = kernel[wc];
    let w1 = kernel[wc + 1u];
    wc += blocks;
    (*t).a00 += v0 * w0; (*t).a01 += v0 * w1;
    (*t).a10 += v1 * w0; (*t).a11 += v1 * w1;
    (*t).a20 += v2 * w0; (*t).a21 += v2 * w1;
    (*t).a30 += v3 * w0; (*t).a31 += v3 * w1;
    (*t).a40 += v4 * w0; (*t).a41 += v4 * w1;
    (*t).a50 += v5 * w0; (*t).a51 += v5 * w1;
    (*t).a60 += v6 * w0; (*t).a61 += v6 * w1;
    (*t).a70 += v7 * w0; (*t).a71 += v7 * w1;
  }
}
