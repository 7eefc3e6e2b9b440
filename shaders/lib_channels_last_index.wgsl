// Fragment: the coordinates of a flat index into a channels-last tensor, [N, H, W, C] or
// [N, D, H, W, C] (row-major, channel fastest). Kernels with one invocation per output element
// number their invocations this way, so neighbouring invocations touch neighbouring channels.
//
// Provides: struct Nhwc and nhwcOf(), struct Ndhwc and ndhwcOf(). Integer arithmetic only: exact.

struct Nhwc {
  n: u32,
  y: u32,
  x: u32,
  c: u32,
}

fn nhwcOf(idx: u32, height: u32, width: u32, channels: u32) -> Nhwc {
  let pixel = idx / channels; // (n·height + y)·width + x
  let row = pixel / width;
  return Nhwc(row / height, row % height, pixel % width, idx % channels);
}

struct Ndhwc {
  n: u32,
  z: u32,
  y: u32,
  x: u32,
  c: u32,
}

fn ndhwcOf(idx: u32, depth: u32, height: u32, width: u32, channels: u32) -> Ndhwc {
  let voxel = idx / channels; // ((n·depth + z)·height + y)·width + x
  let row = voxel / width;
  let plane = row / height;
  return Ndhwc(plane / depth, plane % depth, row % height, voxel % width, idx % channels);
}
