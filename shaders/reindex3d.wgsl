// Volume re-indexing, channels-last: ZeroPadding3D, Cropping3D and UpSampling3D (nearest), which
// all copy each output voxel from at most one input voxel:
//   out[n, oz, oy, ox, c] = in[n, iz, iy, ix, c] with iz = floor((oz − shiftD) / scaleD), likewise y, x,
//   or 0 where (oz − shiftD) falls outside [0, scaleD·inD) on any axis (the zero padding).
// ZeroPadding3D: scale 1, shift = padding before (positive). Cropping3D: scale 1, shift = −crop
// before (negative: the output starts inside the input). UpSampling3D: scale = size, shift 0,
// which repeats each voxel size times along each axis, as Keras' nearest upsampling does.
//
// Work split: one invocation per output element, channel fastest, so neighbouring invocations
// read and write neighbouring words. Pure data movement: exact.

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

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = gid.x + gid.y * nwg.x * WG;
  if (idx >= params.total) {
    return;
  }
  let C = params.channels;
  let c = idx % C;
  let vox = idx / C; // ((n·outD + oz)·outH + oy)·outW + ox
  let ox = i32(vox % params.outW);
  let oy = i32((vox / params.outW) % params.outH);
  let oz = i32((vox / (params.outW * params.outH)) % params.outD);
  let n = vox / (params.outW * params.outH * params.outD);
  // Positions in the upsampled (scale·in) input grid; negative or too large = padding.
  let sz = oz - params.shiftD;
  let sy = oy - params.shiftH;
  let sx = ox - params.shiftW;
  let inside = sz >= 0 && sz < i32(params.scaleD * params.inD)
    && sy >= 0 && sy < i32(params.scaleH * params.inH)
    && sx >= 0 && sx < i32(params.scaleW * params.inW);
  var v = 0.0;
  if (inside) {
    let iz = u32(sz) / params.scaleD;
    let iy = u32(sy) / params.scaleH;
    let ix = u32(sx) / params.scaleW;
    v = input[(((n * params.inD + iz) * params.inH + iy) * params.inW + ix) * C + c];
  }
  output[idx] = v;
}
