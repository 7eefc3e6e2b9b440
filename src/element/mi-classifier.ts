/**
 * `<mi-classifier>`: a Keras image classifier on a page, in one element. It only wires the public
 * API (`loadModel`, `Model.predictImage`) to a drop zone, a progress bar and result bars; every
 * numeric decision (decoding aside) is the engine's.
 */
import { LitElement, type PropertyValues } from 'lit';
import type { BackendOption, ModelInfo, ModelSource } from '../index.ts';
import { attributeOptions, labelsOf, parseLabels, withSize, type PreprocessAttributes } from './config.ts';
import { errorDetail, loadDetail, miEvent, type MiErrorDetail, type MiLoadDetail, type MiResultDetail } from './events.ts';
import { engineInput, whenDecoded, type ElementImage } from './image-source.ts';
import { dropZoneHandlers } from './drop-zone.ts';
import { HeatmapLayer, explainImage, type MiExplainDetail } from './heatmap.ts';
import { discard, drawShown, isMedical, takeUrl, type IntakeContext, type Shown, type Taken } from './intake.ts';
import { medicalCaption, windowed } from './medical-source.ts';
import { COLORMAPS, type Colormap } from '../explain/overlay.ts';
import { openModel, type LoadPhase, type OpenedModel } from './loader.ts';
import { labelBars, type LabelledProbability } from './probabilities.ts';
import { backendBadge, renderClassifier, type View } from './render.ts';
import { styles } from './styles.ts';

/** Preprocessing inputs whose change re-classifies the current image. */
const PREPROCESS_PROPS = ['labels', 'inputSize', 'scale', 'offset', 'mean', 'std', 'grayscale', 'resize'] as const;


/**
 * Classifies an image with a Keras model on the GPU (WebGPU) and shows the class probabilities.
 *
 * ```html
 * <mi-classifier model="/models/malaria-cnn/model.json" src="cell.png" heatmap></mi-classifier>
 * ```
 *
 * Images: PNG and JPEG (decoded by the browser), DICOM (a file, a multi-frame file, or the files or
 * folder of a series) and NIfTI (`.nii`, `.nii.gz`), read by the engine with the model's metadata
 * window. With `heatmap`, a Grad-CAM map of the top class is drawn over the image (`mi-explain`).
 *
 * Preprocessing attributes default to the model's `metadata.json` (beside the model), else to what
 * the model implies (an input Rescaling layer takes raw pixels; its declared input size), else
 * pixels / 255: `mi-load`'s `preprocessing` says which.
 *
 * @summary A drop-in WebGPU image classifier for Keras models.
 * @tagname mi-classifier
 *
 * @fires {CustomEvent<MiLoadDetail>} mi-load - The model is downloaded, compiled and warmed up. `detail`: `{ info, adapter, metadata, preprocessing, ms }`.
 * @fires {CustomEvent<MiResultDetail>} mi-result - An image was classified. `detail`: `{ probabilities: [{ label, p }], ms, outputs, outputShape, adapter }`.
 * @fires {CustomEvent<MiProgressDetail>} mi-progress - Loading moved on, for a progress display of your own. `detail`: `{ phase, fraction, loadedBytes, totalBytes, text }`: `phase` goes `download` → `compile` → `warmup`, `fraction` (of the whole load) never decreases and ends at 1 just before `mi-load`, `loadedBytes`/`totalBytes` count the model's files during the download (from the network or the browser's cache).
 * @fires {CustomEvent<MiExplainDetail>} mi-explain - A heatmap was computed for the latest result. `detail`: `{ classIndex, label, layer, map, shape, description, ms }`.
 * @fires {CustomEvent<MiErrorDetail>} mi-error - Loading or classifying failed. `detail`: `{ code, message }` (`WEBGPU_UNAVAILABLE`, `MODEL_FETCH`, `MODEL_FORMAT`, `IMAGE_LOAD`, ...).
 *
 * @cssprop [--mi-font=system-ui] - Font family.
 * @cssprop [--mi-fg=#1d2330] - Text colour.
 * @cssprop [--mi-bg=#fff] - Card background.
 * @cssprop [--mi-border=#d5dae4] - Card and drop-zone border colour.
 * @cssprop [--mi-radius=0.5rem] - Corner radius.
 * @cssprop [--mi-accent=#2456c7] - Focus ring, progress and default bar colour.
 * @cssprop [--mi-bar-color=var(--mi-accent)] - Probability bar colour.
 * @cssprop [--mi-bar-track=#e4e8f0] - Bar and progress track colour.
 * @cssprop [--mi-muted=#5b6477] - Secondary text colour.
 * @cssprop [--mi-dropzone-bg=#f6f8fb] - Drop-zone background.
 * @cssprop [--mi-dropzone-active-bg=#eef3fe] - Drop-zone background while hovered or dragged over.
 * @cssprop [--mi-error-color=#b3261e] - Error title and border colour.
 * @cssprop [--mi-error-bg=#fdf0ef] - Error background.
 *
 * @csspart container - The card around everything.
 * @csspart dropzone - The focusable drop zone (Enter or Space opens the file picker).
 * @csspart image - The image being classified (a canvas).
 * @csspart progress - The one progress bar: download, shader compilation, warm-up.
 * @csspart bars - The list of result bars.
 * @csspart bar - One result row (label, bar, value).
 * @csspart label - A class label.
 * @csspart bar-fill - The filled part of a bar.
 * @csspart value - A probability as text.
 * @csspart status - The live status line (result, time, adapter).
 * @csspart adapter - The GPU adapter name inside the status line.
 * @csspart backend - The badge saying where the model runs: "GPU · <adapter>" or "CPU · WebAssembly, <reason>".
 * @csspart heatmap - The Grad-CAM overlay canvas over the image (its accessible name says where the hot region is).
 * @csspart heatmap-toggle - The button that shows or hides the heatmap.
 * @csspart heatmap-caption - The sentence under the image saying which class and layer the heatmap explains and where it is hot.
 * @csspart error - The visible error message.
 */
export class MiClassifier extends LitElement {
  static override styles = styles;

  static override properties = {
    model: {},
    metadata: {},
    labels: { converter: { fromAttribute: parseLabels } },
    inputSize: { attribute: 'input-size' },
    scale: { type: Number },
    offset: { type: Number },
    mean: {},
    std: {},
    grayscale: { type: Boolean },
    resize: {},
    noCache: { type: Boolean, attribute: 'no-cache' },
    integrity: {},
    backend: {},
    src: {},
    image: { attribute: false },
    heatmap: { type: Boolean, reflect: true },
    heatmapOpacity: { type: Number, attribute: 'heatmap-opacity' },
    colormap: {},
    _view: { state: true, attribute: false },
  };

  /**
   * The model: a URL (attribute) of a TF.js `model.json`, a Keras `.h5` or a `.keras` file; as a
   * property also anything `loadModel` takes, such as the `FileList` of an `<input type=file multiple>`.
   */
  model?: string | ModelSource;
  /** URL of the model's `metadata.json`; defaults to the one beside a URL model; `"none"` skips it. */
  metadata?: string;
  /** Class names: a comma list or JSON array. For one sigmoid unit, `[negative, positive]`. Default: the metadata's. */
  labels?: string[];
  /** Input size, `"224"` or `"WIDTHxHEIGHT"`. Default: the metadata's, else the model's declared size. */
  inputSize?: string;
  /** Multiplier on 0..255 pixel values. Default: the metadata's, else 1 for a model with an input Rescaling layer, else 1/255. */
  scale?: number;
  /** Added after scaling. Default 0. */
  offset?: number;
  /** Per-channel mean subtracted after scale/offset, e.g. `"0.485,0.456,0.406"`. */
  mean?: string | number[];
  /** Per-channel divisor applied last, e.g. `"0.229,0.224,0.225"`. */
  std?: string | number[];
  /** Feed the model one grey channel (Keras' luma weights). Default: when the model has one input channel. */
  grayscale = false;
  /** Resize method: `bilinear` (tf.image.resize, half-pixel centres) or `nearest`. */
  resize?: 'bilinear' | 'nearest';
  /**
   * Do not keep the model's files in the browser's Cache API. By default they are kept, so the next
   * visit loads the model from disk (each file checked against its hash first).
   */
  noCache = false;
  /**
   * Expected `sha256-<base64>` of the model file, as `<script integrity>` takes; a model file that
   * differs fails to load (`MODEL_FETCH`). Files with an `integrity.json` beside them are checked anyway.
   */
  integrity?: string;
  /**
   * Where the model runs: `auto` (default: WebGPU on a hardware GPU, else WebAssembly through ONNX
   * Runtime Web, which the page must provide), `webgpu` or `wasm`. The badge part shows the choice.
   */
  backend?: BackendOption;
  /** URL of an image to classify (fetched once; cross-origin images need CORS). */
  src?: string;
  /** An image to classify: ImageBitmap, HTMLImageElement, HTMLCanvasElement, VideoFrame or ImageData. */
  image?: ElementImage;
  /**
   * Show a Grad-CAM heatmap of the top class over the image (model.explain: where the model looked).
   * The toggle button under the image sets it too.
   */
  heatmap = false;
  /** Opacity of the heatmap over the image, 0..1 (default 0.5). */
  heatmapOpacity = 0.5;
  /** The heatmap's colour map: `jet` (default), `inferno`, `viridis` or `gray`. */
  colormap: Colormap = 'jet';

  private _view: Omit<View, 'preview' | 'heatmap' | 'heatmapOn'> = { state: 'empty', hasImage: false, dragging: false };
  private readonly preview = Object.assign(document.createElement('canvas'), { hidden: true });
  private readonly heat = new HeatmapLayer();
  private readonly dropZone = dropZoneHandlers({
    openFilePicker: () => this.openFilePicker(),
    dragging: () => this._view.dragging,
    setDragging: (dragging) => this.setView({ dragging }),
    take: (read) => void this.take(read),
  });
  private opened?: OpenedModel;
  private current?: Shown;
  private ownedBitmap?: ImageBitmap;
  private loadAbort?: AbortController;
  private srcAbort?: AbortController;
  private loadSeq = 0;
  private classifySeq = 0;
  private lastResult?: MiResultDetail;

  constructor() {
    super();
    this.preview.setAttribute('part', 'image');
    this.preview.setAttribute('role', 'img');
  }

  /** Information about the loaded model (undefined until `mi-load`). */
  get modelInfo(): ModelInfo | undefined {
    return this.opened?.model.info;
  }

  /** The GPU adapter in use (undefined until `mi-load`). */
  get adapter(): string | undefined {
    return this.opened?.model.adapterName;
  }

  /** The latest result (the last `mi-result` detail). */
  get result(): MiResultDetail | undefined {
    return this.lastResult;
  }

  /** The heatmap shown for the latest result (the last `mi-explain` detail), if any. */
  get explanation(): MiExplainDetail | undefined {
    return this.heat.detail;
  }

  /** Opens the file picker (what the drop zone does on click, Enter or Space). */
  openFilePicker(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  /**
   * Classifies `image` (which becomes the shown image), or the current image again. Resolves with
   * the result, or undefined when a newer image or model superseded this one or it failed (see `mi-error`).
   */
  async classify(image?: ElementImage, name?: string): Promise<MiResultDetail | undefined> {
    if (image) {
      try {
        await whenDecoded(image); // an <img> still loading has no size to show yet
      } catch (err) {
        this.fail(errorDetail(err, 'IMAGE_LOAD'), 'classify');
        return undefined;
      }
      this.showImage(image, name, false);
    }
    return this.classifyCurrent();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a disconnect: the model was released then, so load it again.
    if (this.hasUpdated && this.model && !this.opened && !this.loadAbort) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.srcAbort?.abort();
    this.release();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model') || changed.has('metadata') || changed.has('integrity') || changed.has('backend')) void this.load();
    if (changed.has('src') && this.src) void this.take((ctx) => takeUrl(this.src!, ctx));
    if (changed.has('colormap') || changed.has('heatmapOpacity')) this.heat.repaint(this.colormapName(), this.heatmapOpacity);
    if (changed.has('heatmap') && this.hasUpdated) void this.updateHeatmap();
    if (changed.has('image') && this.image) void this.classify(this.image);
    else if (!changed.has('model') && PREPROCESS_PROPS.some((p) => changed.has(p)) && this.current && this.opened) {
      void this.classifyCurrent();
    }
  }

  protected override render() {
    return renderClassifier(
      { ...this._view, preview: this.preview, heatmap: this.heat.canvas, heatmapOn: this.heatmap },
      {
        ...this.dropZone,
        toggleHeatmap: () => {
          this.heatmap = !this.heatmap;
        },
      },
    );
  }

  private setView(patch: Partial<Omit<View, 'preview' | 'heatmap' | 'heatmapOn'>>): void {
    this._view = { ...this._view, ...patch };
  }

  private preprocessAttributes(): PreprocessAttributes {
    return {
      inputSize: this.inputSize,
      scale: this.scale,
      offset: this.offset,
      mean: this.mean,
      std: this.std,
      grayscale: this.grayscale,
      resize: this.resize,
    };
  }

  /** Aborts a load in progress and frees the model's GPU memory. */
  private release(): void {
    this.loadSeq++;
    this.loadAbort?.abort();
    this.loadAbort = undefined;
    const old = this.opened;
    this.opened = undefined;
    void old?.model.dispose();
  }

  private async load(): Promise<void> {
    this.release();
    const seq = this.loadSeq;
    if (!this.model) {
      this.setView({ state: 'empty', error: undefined, bars: undefined });
      return;
    }
    const abort = (this.loadAbort = new AbortController());
    const t0 = performance.now();
    const onPhase = (progress: LoadPhase) => {
      if (seq !== this.loadSeq) return; // a superseded load stays silent
      this.setView({ state: 'loading', progress });
      this.dispatchEvent(miEvent('mi-progress', progress));
    };
    this.setView({ state: 'loading', error: undefined, bars: undefined, progress: undefined, badge: undefined });
    try {
      const opened = await openModel(this.model, {
        metadataUrl: this.metadata,
        cache: !this.noCache,
        integrity: this.integrity,
        backend: this.backend,
        attributes: () => this.preprocessAttributes(),
        signal: abort.signal,
        onPhase,
      });
      if (seq !== this.loadSeq) {
        void opened.model.dispose();
        return;
      }
      this.opened = opened;
      this.loadAbort = undefined;
      // An error shown now came from the image (e.g. a bad src) while the model loaded: keep it.
      this.setView({ state: this._view.error ? 'error' : 'ready', progress: undefined, badge: backendBadge(opened.model) });
      this.dispatchEvent(miEvent('mi-load', loadDetail(opened.model, opened.metadata, opened.preprocessing, t0)));
      if (this.current) await this.classifyCurrent();
    } catch (err) {
      if (seq !== this.loadSeq) return; // superseded: not an error the user needs to see
      this.loadAbort = undefined;
      this.fail(errorDetail(err), 'load');
    }
  }

  private fail(detail: MiErrorDetail, during: 'load' | 'classify'): void {
    this.setView({ state: 'error', error: { ...detail, during }, progress: undefined });
    this.dispatchEvent(miEvent('mi-error', detail));
  }

  /** Makes `image` the shown one; `owned` bitmaps (decoded here from files or `src`) are closed when replaced. */
  private showImage(image: Shown, name: string | undefined, owned: boolean): void {
    if (this.ownedBitmap && this.ownedBitmap !== image) this.ownedBitmap.close();
    this.ownedBitmap = owned && !isMedical(image) ? (image as ImageBitmap) : undefined;
    this.current = image;
    this.heat.clear();
    const caption = isMedical(image) ? medicalCaption(image, name) : name;
    drawShown(this.preview, image, this.intensity().range);
    this.preview.setAttribute('aria-label', caption ? `Image to classify: ${caption}` : 'Image to classify');
    this.setView({ hasImage: true, imageName: caption, explained: undefined });
  }

  /** The window and range DICOM/NIfTI intensities get for the loaded model (its metadata; 'from-file' before one loads). */
  private intensity(): Omit<IntakeContext, 'signal'> {
    const resolved = this.opened?.model.resolvePreprocessing(attributeOptions(this.preprocessAttributes())).intensity;
    return { window: resolved?.window ?? 'from-file', range: resolved?.range ?? [0, 255], limits: this.opened?.model.limits };
  }

  /** Reads a new image (a `src`, dropped or chosen files), shows it and classifies it; a newer one supersedes it. */
  private async take(read: (ctx: IntakeContext) => Promise<Taken>): Promise<void> {
    this.srcAbort?.abort();
    const abort = (this.srcAbort = new AbortController());
    try {
      const taken = await read({ ...this.intensity(), signal: abort.signal });
      if (abort.signal.aborted) return discard(taken);
      this.showImage(taken.shown, taken.name, true);
      await this.classifyCurrent();
    } catch (err) {
      if (!abort.signal.aborted) this.fail(errorDetail(err, 'IMAGE_LOAD'), 'classify');
    }
  }

  private async classifyCurrent(): Promise<MiResultDetail | undefined> {
    const opened = this.opened;
    let image = this.current;
    // Before the model is ready the image waits: load() classifies it when done.
    if (!opened || !image) return undefined;
    const seq = ++this.classifySeq;
    const inError = this._view.state === 'error' && this._view.error?.during === 'load';
    if (inError) return undefined;
    this.setView({ state: 'classifying', error: undefined, explained: undefined });
    this.heat.clear();
    try {
      const t0 = performance.now();
      if (isMedical(image)) {
        // The model (its metadata window) or the attributes may have changed since the file was read.
        const { window, range } = this.intensity();
        image = this.current = windowed(image.image, window, range);
        drawShown(this.preview, image, range);
      }
      const { input, release } = isMedical(image) ? { input: image.pixels, release: () => {} } : await engineInput(image);
      const pre = withSize(opened.model.resolvePreprocessing(attributeOptions(this.preprocessAttributes())).options);
      const out = await opened.model.predictImage(input, pre).finally(release);
      const ms = performance.now() - t0;
      if (seq !== this.classifySeq || opened !== this.opened) return undefined;
      const outputs = Array.from(out.data);
      const labels = this.labelList() ?? opened.metadata?.labels;
      const probabilities: LabelledProbability[] = labelBars(outputs, labels, opened.metadata?.outputActivation);
      const { adapterName: adapter, backend, backendReason } = opened.model;
      const detail: MiResultDetail = { probabilities, ms, outputs, outputShape: [...out.shape], adapter, backend, backendReason };
      this.lastResult = detail;
      this.setView({ state: 'result', bars: probabilities, ms, adapter: detail.adapter });
      this.dispatchEvent(miEvent('mi-result', detail));
      if (this.heatmap) await this.explainCurrent(seq);
      return detail;
    } catch (err) {
      // Superseded work fails too (a model replaced or released mid-run is disposed under it): silently.
      if (seq === this.classifySeq && opened === this.opened) this.fail(errorDetail(err), 'classify');
      return undefined;
    }
  }

  /** The heatmap was switched on or off: show it (computing it once per result) or hide it. */
  private async updateHeatmap(): Promise<void> {
    if (!this.heatmap) {
      this.heat.hide();
      this.setView({ explained: undefined });
      return;
    }
    if (this.heat.detail) {
      this.heat.show(this.heat.detail, this.colormapName(), this.heatmapOpacity);
      this.setView({ explained: this.heat.detail });
    } else if (this.lastResult && this._view.state === 'result') {
      try {
        await this.explainCurrent(this.classifySeq);
      } catch (err) {
        this.fail(errorDetail(err), 'classify');
      }
    }
  }

  /** Grad-CAM of the top class of the current image, over it. */
  private async explainCurrent(seq: number): Promise<void> {
    const opened = this.opened;
    const image = this.current;
    const top = this.lastResult?.probabilities[0];
    if (!opened || !image || !top) return;
    const { input, release } = isMedical(image) ? { input: image.pixels, release: () => {} } : await engineInput(image);
    const pre = withSize(opened.model.resolvePreprocessing(attributeOptions(this.preprocessAttributes())).options);
    const detail = await explainImage(opened.model, input, pre, top.label).finally(release);
    if (seq !== this.classifySeq || opened !== this.opened || !this.heatmap) return;
    this.heat.show(detail, this.colormapName(), this.heatmapOpacity);
    this.setView({ explained: detail });
    this.dispatchEvent(miEvent('mi-explain', detail));
  }

  private colormapName(): Colormap {
    return COLORMAPS.includes(this.colormap) ? this.colormap : 'jet';
  }

  /** `labels` as set: an array (property) or the attribute's comma list / JSON. */
  private labelList(): string[] | undefined {
    return labelsOf(this.labels);
  }
}
