/**
 * VOI transforms (PS3.3 C.11.2): pure functions from modality values (float32, as the readers give
 * them) to [0, 1], i.e. the standard's formulas with ymin = 0 and ymax = 1. No DICOM parsing here:
 * loadImage, `mi decode --window/--voi` and a model's metadata `window` call these.
 *
 *   LINEAR        (C.11.2.1.2.1)  x <= c - 0.5 - (w-1)/2 → 0;  x > c - 0.5 + (w-1)/2 → 1;
 *                                  else ((x - (c - 0.5)) / (w - 1) + 0.5)          (w >= 1)
 *   LINEAR_EXACT  (C.11.2.1.3.2)  x <= c - w/2 → 0;  x > c + w/2 → 1;  else ((x - c) / w + 0.5)   (w > 0)
 *   SIGMOID       (C.11.2.1.3.1)  1 / (1 + exp(-4 (x - c) / w))                                   (w > 0)
 *   VOI LUT       (C.11.2.1.1)    table[clamp(floor(x) - first mapped, 0, n - 1)] / (2^bits - 1)
 *
 * MONOCHROME1 is inverted after the VOI step (1 - y), so bright means dense for both photometrics.
 */
import { ImageInputError } from '../../errors.ts';
import type { MedicalImage, VoiLut, VoiWindow, WindowSpec } from '../medical/types.ts';

function output(length: number, out?: Float32Array): Float32Array {
  if (!out) return new Float32Array(length);
  if (out.length < length) throw new RangeError(`applyWindow: out holds ${out.length} values for ${length}`);
  return out;
}

/** Maps `data` through a window to [0, 1] (LINEAR, LINEAR_EXACT or SIGMOID; LINEAR when unset). */
export function applyWindow(data: ArrayLike<number>, window: VoiWindow, out?: Float32Array): Float32Array {
  const fn = window.function ?? 'LINEAR';
  const { center, width } = window;
  if (!Number.isFinite(center) || !Number.isFinite(width)) throw new ImageInputError(`Window centre/width must be finite numbers, got ${center}/${width}`);
  const y = output(data.length, out);
  const n = data.length;
  if (fn === 'SIGMOID') {
    if (!(width > 0)) throw new ImageInputError(`A SIGMOID window needs a width > 0, got ${width}`);
    for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp((-4 * (data[i]! - center)) / width));
    return y;
  }
  let c: number;
  let w: number;
  if (fn === 'LINEAR') {
    if (!(width >= 1)) throw new ImageInputError(`A LINEAR window needs a width >= 1, got ${width}`);
    c = center - 0.5;
    w = width - 1;
  } else if (fn === 'LINEAR_EXACT') {
    if (!(width > 0)) throw new ImageInputError(`A LINEAR_EXACT window needs a width > 0, got ${width}`);
    c = center;
    w = width;
  } else {
    throw new ImageInputError(`Unknown VOI LUT Function "${String(fn)}" (LINEAR, LINEAR_EXACT or SIGMOID)`);
  }
  const lo = c - w / 2;
  const hi = c + w / 2;
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    // w = 0 (a LINEAR width of 1) leaves no x strictly between lo and hi: a step at c.
    y[i] = x <= lo ? 0 : x > hi ? 1 : (x - c) / w + 0.5;
  }
  return y;
}

/** Maps `data` through a VOI LUT to [0, 1] (the table's values over its 2^bits - 1). */
export function applyVoiLut(data: ArrayLike<number>, lut: VoiLut, out?: Float32Array): Float32Array {
  const y = output(data.length, out);
  const last = lut.table.length - 1;
  if (last < 0) throw new ImageInputError('The VOI LUT has no entries');
  const scale = 1 / (2 ** lut.bits - 1);
  for (let i = 0; i < data.length; i++) {
    const k = Math.floor(data[i]!) - lut.firstMapped;
    y[i] = lut.table[k < 0 ? 0 : k > last ? last : k]! * scale;
  }
  return y;
}

/** The smallest and largest finite value of `data` ([0, 0] when there is none). */
export function finiteRange(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** (x - min) / (max - min), clamped to [0, 1]; all zeros when max = min. */
export function applyMinMax(data: ArrayLike<number>, min: number, max: number, out?: Float32Array): Float32Array {
  const y = output(data.length, out);
  const span = max - min;
  for (let i = 0; i < data.length; i++) {
    const v = span > 0 ? (data[i]! - min) / span : 0;
    y[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return y;
}

/**
 * The function that maps `image`'s intensities (or any array in its units, e.g. one slice) to
 * [0, 1] as `spec` says: a given window; 'from-file' = the file's first window, else its VOI LUT,
 * else the full range its stored values can take (`valueRange`), else min..max of the image;
 * 'min-max' = min..max of the image. MONOCHROME1 images are inverted
 * after (1 - y).
 */
export function windowFromSpec(image: MedicalImage, spec: WindowSpec): (data: ArrayLike<number>, out?: Float32Array) => Float32Array {
  let map: (data: ArrayLike<number>, out?: Float32Array) => Float32Array;
  if (typeof spec === 'object') {
    const window: VoiWindow = { center: spec.center, width: spec.width, function: spec.function ?? 'LINEAR' };
    // Checked now, not on the first call: a bad --window fails before any decoding work.
    applyWindow([0], window);
    map = (data, out) => applyWindow(data, window, out);
  } else if (spec === 'from-file' && image.windows?.length) {
    const window = image.windows[0]!;
    map = (data, out) => applyWindow(data, window, out);
  } else if (spec === 'from-file' && image.voiLut) {
    const lut = image.voiLut;
    map = (data, out) => applyVoiLut(data, lut, out);
  } else if (spec === 'from-file' && image.valueRange) {
    // No VOI in the file: the stored values as they are (DICOM's identity), their full range onto [0, 1].
    const [min, max] = image.valueRange;
    map = (data, out) => applyMinMax(data, min, max, out);
  } else if (spec === 'from-file' || spec === 'min-max') {
    const [min, max] = finiteRange(image.data);
    map = (data, out) => applyMinMax(data, min, max, out);
  } else {
    throw new ImageInputError(`Unknown window "${String(spec)}": give {center, width[, function]}, 'from-file' or 'min-max'`);
  }
  if (!image.inverted) return map;
  return (data, out) => {
    const y = map(data, out);
    for (let i = 0; i < data.length; i++) y[i] = 1 - y[i]!;
    return y;
  };
}
