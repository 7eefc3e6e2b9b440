/**
 * The element's Grad-CAM layer: a canvas over the shown image with the heatmap of the latest result
 * (model.explain), its opacity and colour map, and a sentence saying where the hot region is, for
 * people who cannot see the colours (the canvas's accessible name and a visible caption).
 *
 * The map comes at the target layer's resolution (e.g. 8×8) and is painted at that size; the canvas is
 * stretched over the image by CSS with smoothing, which is the bilinear upsampling Keras' Grad-CAM
 * example does with its resize. The model's input is the whole image resized (no crop), so the map
 * covers the whole image.
 */
import type { LoadedModel } from '../api.ts';
import { describeHeatmap, heatmapToRgba, type Colormap } from '../explain/overlay.ts';
import type { ImageInput, PreprocessOptions } from '../runtime/preprocess-options.ts';

/** What the element shows and reports of an explanation (`mi-explain`'s detail). */
export interface MiExplainDetail {
  /** The class explained (the top one) and its label. */
  classIndex: number;
  label: string;
  /** The Keras layer whose activations the map weighs. */
  layer: string;
  /** The map, row-major [height, width], values in [0, 1] (1 = the strongest). */
  map: Float32Array;
  shape: [height: number, width: number];
  /** Where the hot region is, in words (also the overlay's accessible name). */
  description: string;
  /** Milliseconds for the explanation (forward and backward). */
  ms: number;
}

export class HeatmapLayer {
  /** The overlay (part="heatmap"); hidden until a map is shown. */
  readonly canvas: HTMLCanvasElement;
  private shown?: MiExplainDetail;

  constructor() {
    this.canvas = Object.assign(document.createElement('canvas'), { hidden: true });
    this.canvas.setAttribute('part', 'heatmap');
    this.canvas.setAttribute('role', 'img');
  }

  get detail(): MiExplainDetail | undefined {
    return this.shown;
  }

  /** Paints `detail.map` with the colour map; opacity is CSS (style property: allowed under a strict CSP). */
  show(detail: MiExplainDetail, colormap: Colormap, opacity: number): void {
    const [h, w] = detail.shape;
    this.canvas.width = w;
    this.canvas.height = h;
    const ctx = this.canvas.getContext('2d');
    if (ctx) ctx.putImageData(new ImageData(heatmapToRgba(detail.map, w, h, { colormap, opacity: 1 }), w, h), 0, 0);
    this.setOpacity(opacity);
    this.canvas.setAttribute('aria-label', `Heatmap for ${detail.label}: ${detail.description}`);
    this.canvas.hidden = false;
    this.shown = detail;
  }

  setOpacity(opacity: number): void {
    this.canvas.style.opacity = String(Math.min(1, Math.max(0, Number.isFinite(opacity) ? opacity : 0.5)));
  }

  /** Repaints the shown map (after a colour-map change). */
  repaint(colormap: Colormap, opacity: number): void {
    if (this.shown) this.show(this.shown, colormap, opacity);
  }

  hide(): void {
    this.canvas.hidden = true;
  }

  clear(): void {
    this.hide();
    this.shown = undefined;
  }
}

/** Grad-CAM of the predicted class of one image (preprocessed as predictImage does), as the element shows it. */
export async function explainImage(model: LoadedModel, input: ImageInput, pre: PreprocessOptions, label: string): Promise<MiExplainDetail> {
  const t0 = performance.now();
  const x = await model.preprocess(input, pre);
  const e = await model.explain(x);
  const [h, w] = e.targetShape as [number, number];
  const map = e.maps.data;
  return { classIndex: e.classIndex[0]!, label, layer: e.layer, map, shape: [h, w], description: describeHeatmap(map, w, h), ms: performance.now() - t0 };
}
