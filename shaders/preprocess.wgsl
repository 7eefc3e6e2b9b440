// Image preprocessing: decoded pixels → resize → normalise, written as f32 straight into a model's
// input buffer ([N, H, W, C], channels-last). One invocation per output pixel (all C channels).
//
// Resize convention: TensorFlow's, i.e. tf.image.resize(method='bilinear', antialias=False) —
// ResizeBilinear with half_pixel_centers=True — which is what Keras' image_dataset_from_directory and
// keras.layers.Resizing feed a model during training. It is NOT PIL's bilinear (keras.utils.load_img
// with target_size), which antialiases when downscaling (a triangle filter as wide as the scale), so
// a model trained on load_img'd, downscaled images sees slightly blurrier pixels than these.
// The CPU definition of correct is src/reference/preprocess.ts (+ src/reference/resize2d.ts).
//
// Per axis of input size `in`, output size `out`, with scale = float32(in / out) given in params
// (computed on the CPU: WGSL's f32 division is only accurate to 2.5 ulp, TF's is exact):
//   bilinear: x = (o + 0.5) * scale − 0.5; lo = max(floor(x), 0); hi = min(ceil(x), in − 1); t = x − floor(x)
//             top = tl + (tr − tl)·tx; bottom = bl + (br − bl)·tx; value = top + (bottom − top)·ty   (TF's order)
//   nearest:  lo = hi = min(floor((o + 0.5) * scale), in − 1), t = 0      (ResizeNearestNeighbor, half-pixel)
// Near the borders both taps clamp to the edge pixel (edge repeated, no zero padding); there is no
// antialiasing, so downscaling by more than 2× skips source pixels, as TensorFlow does.
//
// Channels are converted BEFORE resizing, per source pixel, as decoding then tf.image.rgb_to_grayscale
// would: alpha is dropped (decode_image(channels=3)); grey sources are repeated into RGB; an RGB
// source for a 1-channel model goes through rgb_to_grayscale on uint8, i.e.
//   grey = uint8(trunc((r·(1/255)·0.2989 + g·(1/255)·0.587 + b·(1/255)·0.114) · 255.5))   (f32, left to right)
// The three products come from a table (`greyProducts`, 3 × 256, built on the CPU) rather than being
// computed here: a GPU may fuse multiply and add (FMA), which changes the rounding of the sum and, after
// the truncation, the grey level of 40 of the 16.7 M colours. Adding table entries cannot be fused.
//
// Then x = ((value · pixelScale + pixelOffset) − mean[c]) / std[c].
//
// Sources (two entry points, same arithmetic):
//   fromTexture: an rgba8unorm texture filled by copyExternalImageToTexture (browser images);
//                textureLoad gives byte/255, so round(v · 255) recovers the exact 0..255 value.
//   fromBuffer:  decoded pixels in a storage buffer, `srcChannels` per pixel (1, 3 or 4), either bytes
//                packed four to a u32 word (srcFloat = 0) or f32 words (srcFloat = 1).

struct Params {
  srcWidth: u32,
  srcHeight: u32,
  srcChannels: u32,
  srcFloat: u32,
  dstWidth: u32,
  dstHeight: u32,
  dstChannels: u32,
  nearest: u32,
  // First element of this image in `output`: image index × H·W·C.
  outBase: u32,
  scaleY: f32,
  scaleX: f32,
  pixelScale: f32,
  pixelOffset: f32,
  mean: vec4f,
  stdDev: vec4f,
}

override WG: u32 = 64u;

@group(0) @binding(0) var<uniform> params: Params;
// f32(f32(v · (1/255)) · w[k]) at [k · 256 + v], k = 0 (R, 0.2989), 1 (G, 0.587), 2 (B, 0.114).
@group(0) @binding(1) var<storage, read> greyProducts: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<storage, read> pixels: array<u32>;
@group(0) @binding(4) var srcTexture: texture_2d<f32>;

const INV255: f32 = 1.0 / 255.0;
const GREY_WEIGHTS = vec3f(0.2989, 0.587, 0.114);

struct Taps {
  x0: u32,
  x1: u32,
  y0: u32,
  y1: u32,
  tx: f32,
  ty: f32,
}

struct AxisTaps {
  lo: u32,
  hi: u32,
  t: f32,
}

fn axisTaps(o: u32, inSize: u32, scale: f32) -> AxisTaps {
  if (params.nearest == 1u) {
    let i = min(u32(floor((f32(o) + 0.5) * scale)), inSize - 1u);
    return AxisTaps(i, i, 0.0);
  }
  let x = (f32(o) + 0.5) * scale - 0.5;
  let fl = floor(x);
  let lo = u32(max(fl, 0.0));
  let hi = u32(max(min(ceil(x), f32(inSize - 1u)), 0.0));
  return AxisTaps(lo, hi, x - fl);
}

fn tapsFor(p: u32) -> Taps {
  let ox = p % params.dstWidth;
  let oy = p / params.dstWidth;
  let ax = axisTaps(ox, params.srcWidth, params.scaleX);
  let ay = axisTaps(oy, params.srcHeight, params.scaleY);
  return Taps(ax.lo, ax.hi, ay.lo, ay.hi, ax.t, ay.t);
}

// tf.image.rgb_to_grayscale on uint8 values (see the top of the file).
fn grey(rgb: vec3f) -> f32 {
  let i = vec3u(rgb);
  if (all(vec3f(i) == rgb) && all(i < vec3u(256u))) {
    let s = (greyProducts[i.r] + greyProducts[256u + i.g]) + greyProducts[512u + i.b];
    return trunc(s * 255.5);
  }
  // Non-integer f32 pixels: no table entry; computed directly (an FMA may move a level here).
  let w = rgb * INV255 * GREY_WEIGHTS;
  return trunc(((w.r + w.g) + w.b) * 255.5);
}

// A source pixel as the model's channels: grey repeated, alpha dropped, RGB → grey for 1 channel.
fn toModelChannels(rgb: vec3f) -> vec3f {
  if (params.dstChannels == 1u && params.srcChannels != 1u) {
    return vec3f(grey(rgb));
  }
  return rgb;
}

fn bufferSample(k: u32) -> f32 {
  if (params.srcFloat == 1u) {
    return bitcast<f32>(pixels[k]);
  }
  return f32((pixels[k >> 2u] >> ((k & 3u) * 8u)) & 0xffu);
}

fn bufferPixel(x: u32, y: u32) -> vec3f {
  let C = params.srcChannels;
  let k = (y * params.srcWidth + x) * C;
  if (C == 1u) {
    return toModelChannels(vec3f(bufferSample(k)));
  }
  return toModelChannels(vec3f(bufferSample(k), bufferSample(k + 1u), bufferSample(k + 2u)));
}

fn texturePixel(x: u32, y: u32) -> vec3f {
  let t = textureLoad(srcTexture, vec2u(x, y), 0);
  return toModelChannels(round(t.rgb * 255.0));
}

// TF's order: interpolate along x on the top and bottom rows, then along y.
fn bilinear(tl: vec3f, tr: vec3f, bl: vec3f, br: vec3f, t: Taps) -> vec3f {
  let top = tl + (tr - tl) * t.tx;
  let bottom = bl + (br - bl) * t.tx;
  return top + (bottom - top) * t.ty;
}

fn store(p: u32, v: vec3f) {
  let C = params.dstChannels;
  let base = params.outBase + p * C;
  for (var c = 0u; c < C; c++) {
    output[base + c] = ((v[c] * params.pixelScale + params.pixelOffset) - params.mean[c]) / params.stdDev[c];
  }
}

fn pixelIndex(gid: vec3u, nwg: vec3u) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

@compute @workgroup_size(WG)
fn fromBuffer(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = pixelIndex(gid, nwg);
  if (p >= params.dstWidth * params.dstHeight) {
    return;
  }
  let t = tapsFor(p);
  let v = bilinear(bufferPixel(t.x0, t.y0), bufferPixel(t.x1, t.y0), bufferPixel(t.x0, t.y1), bufferPixel(t.x1, t.y1), t);
  store(p, v);
}

@compute @workgroup_size(WG)
fn fromTexture(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = pixelIndex(gid, nwg);
  if (p >= params.dstWidth * params.dstHeight) {
    return;
  }
  let t = tapsFor(p);
  let v = bilinear(texturePixel(t.x0, t.y0), texturePixel(t.x1, t.y0), texturePixel(t.x0, t.y1), texturePixel(t.x1, t.y1), t);
  store(p, v);
}
