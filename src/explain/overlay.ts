/**
 * Turning a Grad-CAM map (values in [0, 1], row-major [h, w]) into something people see or read:
 * colour (a LUT), an image-sized overlay (bilinear upsampling, alpha blending), and a sentence saying
 * where the hot region is. Shared by `<mi-classifier>` and `mi explain --overlay`; no DOM, no GPU.
 */

/** Colour maps: 'jet' (Keras' Grad-CAM example), 'inferno' and 'viridis' (perceptually uniform, colour-blind safe), 'gray'. */
export type Colormap = 'jet' | 'inferno' | 'viridis' | 'gray';

export const COLORMAPS: readonly Colormap[] = ['jet', 'inferno', 'viridis', 'gray'];

/** Control points (at equal steps from 0 to 1) of each map, RGB 0–255; colours between are linear. */
const STOPS: Record<Colormap, readonly (readonly [number, number, number])[]> = {
  // matplotlib's jet: dark blue → blue → cyan → yellow → red → dark red.
  jet: [[0, 0, 128], [0, 0, 255], [0, 128, 255], [0, 255, 255], [128, 255, 128], [255, 255, 0], [255, 128, 0], [255, 0, 0], [128, 0, 0]],
  // matplotlib's inferno and viridis sampled at 9 points.
  inferno: [[0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85], [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164]],
  viridis: [[68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37]],
  gray: [[0, 0, 0], [255, 255, 255]],
};

/** The colour of value v (clamped to [0, 1]; NaN counts as 0) in a colour map. */
export function colormapColor(colormap: Colormap, v: number): [number, number, number] {
  const stops = STOPS[colormap];
  if (!stops) throw new RangeError(`unknown colour map "${colormap}" (one of ${COLORMAPS.join(', ')})`);
  const t = Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const f = t - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

export interface HeatmapStyle {
  /** Default 'jet'. */
  colormap?: Colormap;
  /** Alpha of every pixel, 0–1 (default 0.5). */
  opacity?: number;
}

/** RGBA bytes (w·h·4, for ImageData or a PNG) of a map in a colour map, at one opacity. */
export function heatmapToRgba(map: ArrayLike<number>, width: number, height: number, style: HeatmapStyle = {}): Uint8ClampedArray<ArrayBuffer> {
  if (map.length !== width * height) throw new RangeError(`heatmap: ${map.length} values for ${width}×${height}`);
  const colormap = style.colormap ?? 'jet';
  const alpha = Math.round(255 * Math.min(1, Math.max(0, style.opacity ?? 0.5)));
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < map.length; i++) {
    const [r, g, b] = colormapColor(colormap, map[i]);
    out.set([r, g, b, alpha], i * 4);
  }
  return out;
}

/**
 * Bilinear resize of a map with half-pixel centres and edge clamping (tf.image.resize's bilinear,
 * no antialias): how a coarse map (e.g. 7×7) is laid over the image it explains.
 */
export function upsampleMap(map: ArrayLike<number>, width: number, height: number, outWidth: number, outHeight: number): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  const sy = height / outHeight;
  const sx = width / outWidth;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const dy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const dx = fx - x0;
      const top = map[y0 * width + x0] * (1 - dx) + map[y0 * width + x1] * dx;
      const bottom = map[y1 * width + x0] * (1 - dx) + map[y1 * width + x1] * dx;
      out[y * outWidth + x] = top * (1 - dy) + bottom * dy;
    }
  }
  return out;
}

/**
 * The image (RGBA, w·h·4) with the map over it: the map upsampled to the image, coloured, and
 * blended at `opacity` (out = (1 − a)·image + a·colour); the result is opaque.
 */
export function overlayHeatmap(
  image: ArrayLike<number>,
  imageWidth: number,
  imageHeight: number,
  map: ArrayLike<number>,
  mapWidth: number,
  mapHeight: number,
  style: HeatmapStyle = {},
): Uint8ClampedArray<ArrayBuffer> {
  const big = upsampleMap(map, mapWidth, mapHeight, imageWidth, imageHeight);
  const a = Math.min(1, Math.max(0, style.opacity ?? 0.5));
  const colormap = style.colormap ?? 'jet';
  const out = new Uint8ClampedArray(imageWidth * imageHeight * 4);
  for (let i = 0; i < big.length; i++) {
    const colour = colormapColor(colormap, big[i]);
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round((1 - a) * image[i * 4 + c] + a * colour[c]);
    out[i * 4 + 3] = 255;
  }
  return out;
}

const ROWS = ['upper', 'middle', 'lower'] as const;
const COLS = ['left', 'centre', 'right'] as const;

/**
 * Where the hot region is, in words, e.g. "strongest in the upper left, covering 12 % of the image"
 * (the peak's third of the image by rows and columns; the share of the map at half its maximum or
 * more). An empty map says so.
 */
export function describeHeatmap(map: ArrayLike<number>, width: number, height: number): string {
  let peak = 0;
  let at = -1;
  for (let i = 0; i < map.length; i++) {
    if (map[i] > peak) {
      peak = map[i];
      at = i;
    }
  }
  if (at < 0) return 'no region stands out (the map is empty: nothing in the image raised the score)';
  let hot = 0;
  for (let i = 0; i < map.length; i++) if (map[i] >= peak / 2) hot++;
  const row = ROWS[Math.min(2, Math.floor((3 * Math.floor(at / width) + 1.5) / height))];
  const col = COLS[Math.min(2, Math.floor((3 * (at % width) + 1.5) / width))];
  const where = row === 'middle' && col === 'centre' ? 'the centre' : row === 'middle' ? `the middle ${col}` : `the ${row} ${col}`;
  const share = Math.round((100 * hot) / map.length);
  return `strongest in ${where}, covering ${share < 1 ? '< 1' : share} % of the image`;
}
