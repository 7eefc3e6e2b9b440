/**
 * `<mi-segmenter>`'s arithmetic, kept free of the DOM and the engine: a 2-D segmentation model's
 * output `[1, H, W, K]` → the class of each pixel (argmax; one sigmoid unit is background/foreground
 * at 0.5) → the class areas and an RGBA overlay. The overlay is drawn at the mask's size and CSS
 * stretches it over the shown image with nearest-neighbour sampling, so no pixel is invented.
 */
import { EngineError } from '../errors.ts';
import type { ModelMetadata } from '../formats/model-metadata.ts';
import { labelTable } from '../segment/labels.ts';

/** One class of the result: its index in the mask, name, colour and area. */
export interface SegmentClass {
  index: number;
  name: string;
  /** CSS hex colour (`#rrggbb`), from the metadata's `colors` or the default palette. */
  colour: string;
  /** Pixels of the mask with this class. */
  pixels: number;
  /** pixels / all pixels of the mask. */
  fraction: number;
}

/** A 2-D mask: one class index per pixel, row-major, `height × width`. */
export interface SegmentMask {
  mask: Uint8Array;
  height: number;
  width: number;
  /** Classes the mask can hold (2 for one sigmoid unit). */
  classes: number;
}

/** Thrown when the model's output is not one 2-D map of per-pixel class scores (code `MODEL_OUTPUT`). */
export class SegmentOutputError extends EngineError {
  constructor(message: string) {
    super('MODEL_OUTPUT', message);
  }
}

/**
 * The mask of a `[1, H, W, K]` (or `[1, H, W]`) output. K = 1 is a sigmoid probability: foreground
 * (1) where p > `threshold` (the metadata's, default 0.5). K ≥ 2: argmax over the classes, ties to
 * the lower class (numpy's argmax).
 */
export function maskFromScores(data: ArrayLike<number>, shape: readonly number[], threshold = 0.5): SegmentMask {
  if (shape.length < 3 || shape.length > 4 || shape[0] !== 1) {
    throw new SegmentOutputError(
      `The model's output has shape [${shape.join(', ')}]; a 2-D segmenter gives [1, height, width, classes] (one map per image)`,
    );
  }
  const [, height, width] = shape;
  const k = shape.length === 4 ? shape[3] : 1;
  if (k > 255) throw new SegmentOutputError(`The model's output has ${k} classes per pixel; at most 255 are shown`);
  const mask = new Uint8Array(height * width);
  if (k === 1) {
    for (let p = 0; p < mask.length; p++) mask[p] = data[p] > threshold ? 1 : 0;
  } else {
    for (let p = 0, base = 0; p < mask.length; p++, base += k) {
      let best = 0;
      for (let c = 1; c < k; c++) if (data[base + c] > data[base + best]) best = c;
      mask[p] = best;
    }
  }
  return { mask, height, width, classes: Math.max(2, k) };
}

/**
 * The classes with their areas. Names: `labels` (the element's attribute) when it names every class,
 * else the metadata's; colours: the metadata's `colors`, else the default label palette.
 */
export function segmentClasses(m: SegmentMask, labels: readonly string[] | undefined, metadata: ModelMetadata | undefined): SegmentClass[] {
  const names = labels?.length === m.classes ? [...labels] : metadata?.labels;
  const table = labelTable(m.classes, { ...metadata, labels: names }, []);
  const counts = new Array<number>(m.classes).fill(0);
  for (const c of m.mask) counts[c]++;
  const total = m.mask.length || 1;
  return table.map((t) => ({ index: t.label, name: t.name, colour: t.color, pixels: counts[t.label], fraction: counts[t.label] / total }));
}

/** `#rgb` or `#rrggbb` → [r, g, b]. */
export function hexRgb(colour: string): [number, number, number] {
  const h = colour.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** RGBA pixels of the overlay: each visible class in its colour, opaque; hidden classes transparent (the element sets the opacity). */
export function overlayPixels(m: SegmentMask, classes: readonly SegmentClass[], hidden: ReadonlySet<number>): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(new ArrayBuffer(m.mask.length * 4));
  const lut = classes.map((c) => (hidden.has(c.index) ? undefined : hexRgb(c.colour)));
  for (let p = 0; p < m.mask.length; p++) {
    const rgb = lut[m.mask[p]];
    if (!rgb) continue;
    rgba[p * 4] = rgb[0];
    rgba[p * 4 + 1] = rgb[1];
    rgba[p * 4 + 2] = rgb[2];
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** The mask canvas's accessible name: the class areas in words, largest first. */
export function maskDescription(classes: readonly SegmentClass[], hidden: ReadonlySet<number>): string {
  const parts = [...classes]
    .sort((a, b) => b.pixels - a.pixels)
    .map((c) => `${c.name} ${(c.fraction * 100).toFixed(1)} %${hidden.has(c.index) ? ' (hidden)' : ''}`);
  return `Segmentation mask: ${parts.join(', ')}`;
}

/** A float or 8-bit grey/RGB(A) image as something a canvas can show: floats min–max stretched to 0..255. */
export function displayPixels(image: { width: number; height: number; channels: 1 | 3 | 4; data: ArrayLike<number> }): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, channels, data } = image;
  const isFloat = data instanceof Float32Array;
  let lo = 0;
  let hi = 255;
  if (isFloat) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.length; i++) if (Number.isFinite(data[i])) (lo = Math.min(lo, data[i])), (hi = Math.max(hi, data[i]));
    if (!(hi > lo)) (lo = 0), (hi = 1);
  }
  const k = 255 / (hi - lo);
  const out = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = (data[p * channels + (channels === 1 ? 0 : c)] - lo) * k;
    out[p * 4 + 3] = channels === 4 ? (isFloat ? (data[p * 4 + 3] - lo) * k : data[p * 4 + 3]) : 255;
  }
  return out;
}

/** Draws the visible classes on `canvas` at the mask's size (CSS stretches it over the image, nearest) and names them. */
export function paintMask(canvas: HTMLCanvasElement, mask: SegmentMask, classes: readonly SegmentClass[], hidden: ReadonlySet<number>): void {
  canvas.width = mask.width;
  canvas.height = mask.height;
  const pixels = overlayPixels(mask, classes, hidden);
  canvas.getContext('2d')?.putImageData(new ImageData(pixels, mask.width, mask.height), 0, 0);
  canvas.setAttribute('aria-label', maskDescription(classes, hidden));
}
