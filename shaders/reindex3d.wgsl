// Volume re-indexing, channels-last: ZeroPadding3D, Cropping3D and UpSampling3D (nearest), which
// all copy each output voxel from at most one input voxel:
//   out[n, oz, oy, ox, c] = in[n, iz, iy, ix, c] with iz = floor((oz − shiftD) / scaleD), likewise y, x,
//   or 0 where (oz − shiftD) falls outside [0, scaleD·inD) on any axis (the zero padding).
// ZeroPadding3D: scale 1, shift = padding before (positive). Cropping3D: scale 1, shift = −crop
// before (negative: the output starts inside the input). UpSampling3D: scale = size, shift 0,
// which repeats each voxel size times along each axis, as Keras' nearest upsampling does.
//
// Work split (lib_flat_main.wgsl, lib_channels_last_index.wgsl): one invocation per output element,
// channel fastest, so neighbouring invocations read and write neighbouring words. Pure data
// movement: exact. Buffers: lib_input_output.wgsl.

struct Params {
  total: u32,
  channels: u32,
  inD: u32,
  inH: u32,
  inW: u32,
  outD: u32,
  outH: u32,
  outW: u32,
  scaleD: u32,
  scaleH: u32,
  scaleW: u32,
  shiftD: i32,
  shiftH: i32,
  shiftW: i32,
}

fn item(idx: u32) {
  let C = params.channels;
  let o = ndhwcOf(idx, params.outD, params.outH, params.outW, C);
  // Positions in the upsampled (scale·in) input grid; negative or too large = padding.
  let sz = i32(o.z) - params.shiftD;
  let sy = i32(o.y) - params.shiftH;
  let sx = i32(o.x) - params.shiftW;
  let inside = sz >= 0 && sz < i32(params.scaleD * params.inD)
    && sy >= 0 && sy < i32(params.scaleH * params.inH)
    && sx >= 0 && sx < i32(params.scaleW * params.inW);
  var v = 0.0;
  if (inside) {
    let iz = u32(sz) / params.scaleD;
    let iy = u32(sy) / params.scaleH;
    let ix = u32(sx) / params.scaleW;
    v = input[(((o.n * params.inD + iz) * params.inH + iy) * params.inW + ix) * C + o.c];
  }
  output[idx] = v;
}

fn items() -> u32 {
  return params.total;
}
