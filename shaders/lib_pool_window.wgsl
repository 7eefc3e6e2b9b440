// Fragment: the clipped window and the reduction of pool2d.wgsl and pool3d.wgsl (max / average).
//
// As in TensorFlow, padded cells take no part: the window is clipped to the input before the loops
// (no per-cell bounds test), max reduces only real cells, and the average divides by the number of
// real cells (TF's 'same' average EXCLUDES padding from the count). TF's 'same' rule never yields an
// empty window, so the kernel starts max from the window's first real cell instead of -inf (which
// WGSL cannot spell as a constant). Both reductions run in one pass; MODE picks which is stored.
//
// NaN (lib_nan.wgsl, linked first): the max is max_nan, so a NaN anywhere in the window makes the
// output NaN, as IEEE and the reference (Math.max) say; WGSL's max could return the other operand.
// ±Infinity needs nothing (max(+∞, v) = +∞). The average propagates both through the sum.
//
// Provides: override MODE (0 max, 1 average), windowOf(), struct Window, reducePlane(), pooled().
// The linking kernel defines Params with inW and channels, and binds `input` (lib_input_output.wgsl).

override MODE: u32 = 0u;

// The window of output coordinate o along one axis, clipped to the input: [lo, hi) as (x, y).
fn windowOf(o: u32, stride: u32, pad: u32, pool: u32, size: u32) -> vec2u {
  let start = i32(o * stride) - i32(pad);
  return vec2u(u32(max(start, 0)), u32(min(start + i32(pool), i32(size))));
}

// The running max and sum of the cells reduced so far.
struct Window {
  best: f32,
  sum: f32,
}

// Adds rows [y.x, y.y) × columns [x.x, x.y) of channel c of one input plane, whose first row is row
// `planeRow` of the input viewed as [rows, inW, channels] (2-D: n·inH; 3-D: (n·inD + iz)·inH).
fn reducePlane(w: Window, planeRow: u32, y: vec2u, x: vec2u, c: u32) -> Window {
  let C = params.channels;
  var best = w.best;
  var sum = w.sum;
  for (var iy = y.x; iy < y.y; iy++) {
    let rowBase = (planeRow + iy) * params.inW;
    for (var ix = x.x; ix < x.y; ix++) {
      let v = input[(rowBase + ix) * C + c];
      best = max_nan(best, v);
      sum += v;
    }
  }
  return Window(best, sum);
}

// The pooled value of a window of `cells` real cells.
fn pooled(w: Window, cells: u32) -> f32 {
  if (MODE == 0u) {
    return w.best;
  }
  return w.sum / f32(cells);
}
