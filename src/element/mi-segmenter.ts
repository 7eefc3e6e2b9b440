/**
 * `<mi-segmenter>`: a 2-D segmentation model (U-Net style, output `[1, H, W, K]`) on a page, in one
 * element: an image in, its mask drawn over it with a colour per class, a legend whose buttons show
 * or hide each class, and the class areas in `mi-result`. It reuses the classifier's model loading
 * (loader.ts), image intake (intake.ts: src, dropped or chosen files, DICOM/NIfTI) and events; the
 * mask arithmetic is segment-mask.ts. A 3-D model (input rank 5) takes a NIfTI volume or a DICOM
 * series through segmentVolume and shows the labels in three planes (volume-controller.ts).
 */
import type { PropertyValues } from 'lit';
import type { LoadedModel, ModelMetadata } from '../index.ts';
import { attributeOptions, labelsOf, type PreprocessAttributes } from './config.ts';
import { dropZoneHandlers } from './drop-zone.ts';
import { errorDetail, loadDetail, miEvent, type MiErrorDetail } from './events.ts';
import { whenDecoded } from './image-source.ts';
import { discard, drawShown, takeUrl, type IntakeContext, type Taken } from './intake.ts';
import { isLoadedModel, openModel, useGivenModel, type LoadPhase } from './loader.ts';
import { medicalCaption, windowed } from './medical-source.ts';
import { backendBadge } from './render.ts';
import { paintMask, segmentClasses, type SegmentMask } from './segment-mask.ts';
import { drawPixels, isMed, isPixels, predictMask, type MiSegmentResultDetail, type MiSegmenterEventMap, type SegmenterImage, type Shown } from './segmenter-image.ts';
import { renderSegmenter, type SegmenterView } from './segmenter-render.ts';
import { SegmenterProperties } from './segmenter-properties.ts';
import { segmenterStyles } from './segmenter-styles.ts';
import { isVolumeModel, type MiSegmentVolumeDetail } from './segmenter-volume.ts';
import { VolumeController } from './volume-controller.ts';
import { AbortError, ImageInputError } from '../errors.ts';

const PREPROCESS_PROPS = ['inputSize', 'scale', 'offset', 'mean', 'std', 'grayscale', 'resize'] as const;
/** A 3-D model runs again on the same volume when one of these changes. */
const VOLUME_PROPS = ['crop', 'tile', 'grid'] as const;

/**
 * Segments an image with a Keras model on the GPU (WebGPU) and draws the mask over it; with a 3-D
 * model (MeshNet and the like) segments a whole NIfTI volume or DICOM series and shows the labels
 * over the scan in three planes (NiiVue, an optional peer), with the label volumes and Save.
 *
 * ```html
 * <mi-segmenter model="/models/lung-unet/model.json" src="chest.png" opacity="0.4"></mi-segmenter>
 * <mi-segmenter model="/models/meshnet/model.json" src="t1.nii.gz" crop backend="wasm"></mi-segmenter>
 * ```
 *
 * @summary A drop-in segmenter: 2-D U-Nets on images, 3-D models on volumes.
 * @tagname mi-segmenter
 *
 * @fires {CustomEvent<MiLoadDetail>} mi-load - The model is loaded, compiled and warmed up.
 * @fires {CustomEvent<MiProgressDetail | MiSegmentProgressDetail>} mi-progress - Loading moved on (as `<mi-classifier>`'s); for a volume also each stage and tile: `{ phase: 'segment', stage, fraction, tile, tiles, text }`.
 * @fires {CustomEvent<MiSegmentResultDetail | MiSegmentVolumeDetail>} mi-result - An image was segmented: `{ kind: 'mask', classes: [{ index, name, colour, pixels, fraction }], mask, shape, ms, adapter }`; a volume: `{ kind: 'volume', labels, volumes, labelTable, notes, ms, adapter, backend }`.
 * @fires {CustomEvent<MiErrorDetail>} mi-error - Loading or segmenting failed. `detail`: `{ code, message }` (`ABORTED` when a volume run was cancelled).
 *
 * @cssprop [--mi-font=system-ui] - Font family; the other custom properties are `<mi-classifier>`'s (colours, radius, accent).
 * @cssprop [--mi-viewer-height=360px] - Height of the 3-D viewer.
 *
 * @csspart container - The card around everything.
 * @csspart dropzone - The focusable drop zone (Enter or Space opens the file picker).
 * @csspart image - The image being segmented (a canvas).
 * @csspart mask - The mask canvas over the image, at the model's output size (its accessible name gives the class areas).
 * @csspart legend - The list of classes.
 * @csspart legend-item - A class's toggle button (aria-pressed: shown over the image).
 * @csspart swatch - A class's colour.
 * @csspart class-name - A class's name.
 * @csspart class-area - A class's share of the image.
 * @csspart progress - The load progress bar.
 * @csspart status - The live status line.
 * @csspart adapter - The GPU adapter name inside the status line.
 * @csspart backend - The badge saying where the model runs.
 * @csspart error - The visible error message.
 * @csspart cancel - Cancels a running volume segmentation.
 * @csspart viewer - The 3-D viewer's box (NiiVue's canvas inside, part viewer-canvas).
 * @csspart viewer-canvas - NiiVue's canvas: the labels over the scan in three planes with a crosshair.
 * @csspart viewer-message - Why there is no 3-D viewer (NiiVue not installed, no WebGL2).
 * @csspart slices - The three slice scrollers.
 * @csspart slice - One plane's slice scroller (a range input: arrow keys move one slice).
 * @csspart opacity - The label opacity slider.
 * @csspart volumes - The label table: names, colours, voxels and volumes.
 * @csspart volume-row - One label's row.
 * @csspart class-volume - A label's volume (mm³ or cm³).
 * @csspart save - Saves the labels as a .nii.gz in the scan's space.
 */
export class MiSegmenter extends SegmenterProperties {
  static override styles = segmenterStyles;

  private readonly preview = Object.assign(document.createElement('canvas'), { hidden: true });
  private readonly maskCanvas = Object.assign(document.createElement('canvas'), { hidden: true });
  private readonly dropZone = dropZoneHandlers({
    openFilePicker: () => this.openFilePicker(),
    dragging: () => this._view.dragging,
    setDragging: (dragging) => this.setView({ dragging }),
    take: (read) => void this.take(read),
  });
  private model_?: { model: LoadedModel; metadata?: ModelMetadata; owned: boolean };
  private current?: Shown;
  private ownedBitmap?: ImageBitmap;
  private mask?: SegmentMask;
  private loadAbort?: AbortController;
  private srcAbort?: AbortController;
  private loadSeq = 0;
  private segmentSeq = 0;
  private lastResult?: MiSegmentResultDetail | MiSegmentVolumeDetail;
  private readonly volumes = new VolumeController({
    setVolume: (patch) => this.setView({ volume: patch && { ...(this._view.volume ?? { opacity: this.opacity }), ...patch } }),
    progress: (detail) => this.dispatchEvent(miEvent('mi-progress', detail)),
    viewerSource: () => ({ viewer: this.viewer, baseUrl: this.viewerBaseUrl }),
  });

  constructor() {
    super();
    this.preview.setAttribute('part', 'image');
    this.preview.setAttribute('role', 'img');
    this.maskCanvas.setAttribute('part', 'mask');
    this.maskCanvas.setAttribute('role', 'img');
  }

  /** The latest result (the last `mi-result` detail). */
  get result(): MiSegmentResultDetail | MiSegmentVolumeDetail | undefined {
    return this.lastResult;
  }

  /** Classes hidden from the overlay (background, 0, by default). */
  get hiddenClasses(): number[] {
    return [...this._view.hidden].sort((a, b) => a - b);
  }

  /** Shows or hides class `index` over the image (what its legend button does). */
  toggleClass(index: number, show?: boolean): void {
    const hidden = new Set(this._view.hidden);
    if (show ?? hidden.has(index)) hidden.delete(index);
    else hidden.add(index);
    this.setView({ hidden });
    this.paintMask();
  }

  /** Cancels a running volume segmentation (state 'aborted', `mi-error` with code ABORTED); true when one ran. */
  abort(): boolean {
    return this.volumes.cancel('cancelled by abort()');
  }

  /** The last volume's labels as a gzipped NIfTI in the scan's own space (what Save downloads). */
  labelsNifti(): Uint8Array | undefined {
    return this.volumes.labelsNifti();
  }

  openFilePicker(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click();
  }

  /** Segments `image` (which becomes the shown one), or the current image again. */
  async segment(image?: SegmenterImage, name?: string): Promise<MiSegmentResultDetail | MiSegmentVolumeDetail | undefined> {
    if (image) {
      try {
        if (!isPixels(image)) await whenDecoded(image);
      } catch (err) {
        this.fail(errorDetail(err, 'IMAGE_LOAD'), 'segment');
        return undefined;
      }
      this.showImage(image, name, false);
    }
    return this.segmentCurrent();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.model && !this.model_ && !this.loadAbort) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.srcAbort?.abort();
    this.volumes.cancel('the element was removed');
    this.volumes.clear();
    this.release();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('model') || changed.has('metadata') || changed.has('integrity') || changed.has('backend')) void this.load();
    if (changed.has('src') && this.src) void this.take((ctx) => takeUrl(this.src!, ctx));
    if (changed.has('opacity')) {
      this.maskCanvas.style.opacity = String(this.clampedOpacity());
      if (this._view.volume) this.volumes.setOpacity(this.clampedOpacity());
    }
    if (changed.has('volume') && this.volume) {
      this.showImage(windowed(this.volume, 'from-file', [0, 255]), this.volume.name, false);
      void this.segmentCurrent();
    } else if (VOLUME_PROPS.some((p) => changed.has(p)) && this.current && this.model_ && isVolumeModel(this.model_.model)) void this.segmentCurrent();
    if (changed.has('labels') && this.mask) this.relabel();
    if (changed.has('image') && this.image) void this.segment(this.image);
    else if (!changed.has('model') && PREPROCESS_PROPS.some((p) => changed.has(p)) && this.current && this.model_) void this.segmentCurrent();
  }

  protected override render() {
    return renderSegmenter(this._view, { image: this.preview, mask: this.maskCanvas, viewer: this.volumes.box }, {
      ...this.dropZone,
      toggleClass: (i) => this.toggleClass(i),
      cancel: () => this.volumes.cancel('cancelled with the Cancel button'),
      save: () => this.volumes.save(),
      setSlice: (plane, index) => this.volumes.setSlice(plane, index),
      setOpacity: (opacity) => (this.opacity = opacity),
    });
  }

  private setView(patch: Partial<SegmenterView>): void {
    this._view = { ...this._view, ...patch };
  }

  private preprocessAttributes(): PreprocessAttributes {
    const { inputSize, scale, offset, mean, std, grayscale, resize } = this;
    return { inputSize, scale, offset, mean, std, grayscale, resize };
  }

  private release(): void {
    this.loadSeq++;
    this.loadAbort?.abort();
    this.loadAbort = undefined;
    const old = this.model_;
    this.model_ = undefined;
    if (old?.owned) void old.model.dispose();
  }

  private async load(): Promise<void> {
    this.release();
    const seq = this.loadSeq;
    const source = this.model;
    if (!source) return this.setView({ state: 'empty', error: undefined, classes: undefined });
    const abort = (this.loadAbort = new AbortController());
    const t0 = performance.now();
    const onPhase = (progress: LoadPhase) => {
      if (seq !== this.loadSeq) return;
      this.setView({ state: 'loading', progress });
      this.dispatchEvent(miEvent('mi-progress', progress));
    };
    this.setView({ state: 'loading', error: undefined, classes: undefined, progress: undefined, badge: undefined });
    try {
      let opened: { model: LoadedModel; metadata?: ModelMetadata; owned: boolean };
      if (isLoadedModel(source)) {
        await useGivenModel(source, this.preprocessAttributes(), onPhase);
        opened = { model: source, metadata: source.metadata, owned: false };
      } else {
        const o = await openModel(source, {
          metadataUrl: this.metadata,
          cache: !this.noCache,
          integrity: this.integrity,
          backend: this.backend,
          attributes: () => this.preprocessAttributes(),
          signal: abort.signal,
          onPhase,
        });
        opened = { model: o.model, metadata: o.metadata, owned: true };
      }
      if (seq !== this.loadSeq) {
        if (opened.owned) void opened.model.dispose();
        return;
      }
      this.model_ = opened;
      this.loadAbort = undefined;
      const { model } = opened;
      this.setView({ state: this._view.error ? 'error' : 'ready', progress: undefined, badge: backendBadge(model) });
      const preprocessing = model.resolvePreprocessing(attributeOptions(this.preprocessAttributes()));
      this.dispatchEvent(miEvent('mi-load', loadDetail(model, opened.metadata, preprocessing, t0)));
      if (this.current) await this.segmentCurrent();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.loadAbort = undefined;
      this.fail(errorDetail(err), 'load');
    }
  }

  private fail(detail: MiErrorDetail, during: 'load' | 'segment'): void {
    this.setView({ state: 'error', error: { ...detail, during }, progress: undefined });
    this.dispatchEvent(miEvent('mi-error', detail));
  }

  private clampedOpacity(): number {
    return Math.min(1, Math.max(0, Number(this.opacity) || 0));
  }

  private intensity(): Omit<IntakeContext, 'signal'> {
    const resolved = this.model_?.model.resolvePreprocessing(attributeOptions(this.preprocessAttributes())).intensity;
    return { window: resolved?.window ?? 'from-file', range: resolved?.range ?? [0, 255], limits: this.model_?.model.limits };
  }

  private showImage(image: Shown, name: string | undefined, owned: boolean): void {
    if (this.ownedBitmap && this.ownedBitmap !== image) this.ownedBitmap.close();
    this.ownedBitmap = owned && !isMed(image) && !isPixels(image) ? (image as ImageBitmap) : undefined;
    this.current = image;
    this.mask = undefined;
    if (isPixels(image)) drawPixels(this.preview, image);
    else drawShown(this.preview, image, this.intensity().range);
    const caption = isMed(image) ? medicalCaption(image, name) : name;
    this.preview.setAttribute('aria-label', caption ? `Image to segment: ${caption}` : 'Image to segment');
    this.setView({ hasImage: true, imageName: caption, classes: undefined });
  }

  private async take(read: (ctx: IntakeContext) => Promise<Taken>): Promise<void> {
    this.srcAbort?.abort();
    const abort = (this.srcAbort = new AbortController());
    try {
      const taken = await read({ ...this.intensity(), signal: abort.signal });
      if (abort.signal.aborted) return discard(taken);
      this.showImage(taken.shown, taken.name, true);
      await this.segmentCurrent();
    } catch (err) {
      if (!abort.signal.aborted) this.fail(errorDetail(err, 'IMAGE_LOAD'), 'segment');
    }
  }

  private async segmentCurrent(): Promise<MiSegmentResultDetail | MiSegmentVolumeDetail | undefined> {
    const opened = this.model_;
    let image = this.current;
    if (!opened || !image) return undefined;
    if (this._view.state === 'error' && this._view.error?.during === 'load') return undefined;
    const seq = ++this.segmentSeq;
    if (isVolumeModel(opened.model)) return this.segmentVolume(opened.model, image, seq);
    this.volumes.clear();
    this.setView({ state: 'segmenting', error: undefined, volume: undefined });
    try {
      const t0 = performance.now();
      if (isMed(image)) {
        const { window, range } = this.intensity();
        image = this.current = windowed(image.image, window, range);
        drawShown(this.preview, image, range);
      }
      const mask = await predictMask(opened.model, image, this.preprocessAttributes(), opened.metadata?.threshold);
      const ms = performance.now() - t0;
      if (seq !== this.segmentSeq || opened !== this.model_) return undefined;
      this.mask = mask;
      const classes = segmentClasses(mask, this.labelList(), opened.metadata);
      const detail: MiSegmentResultDetail = { kind: 'mask', classes, mask: mask.mask, shape: [mask.height, mask.width], ms, adapter: opened.model.adapterName };
      this.lastResult = detail;
      this.setView({ state: 'result', classes, ms, adapter: detail.adapter });
      this.paintMask();
      this.dispatchEvent(miEvent('mi-result', detail));
      return detail;
    } catch (err) {
      if (seq === this.segmentSeq && opened === this.model_) this.fail(errorDetail(err), 'segment');
      return undefined;
    }
  }

  /** A 3-D model on the shown volume: the whole pipeline, then the viewer. */
  private async segmentVolume(model: LoadedModel, shown: Shown, seq: number): Promise<MiSegmentVolumeDetail | undefined> {
    this.setView({ state: 'segmenting', error: undefined, classes: undefined });
    try {
      if (!isMed(shown)) throw new ImageInputError('A 3-D model segments volumes: drop a NIfTI file (.nii, .nii.gz) or the files of a DICOM series, not a 2-D image');
      const detail = await this.volumes.run(model, shown.image, { crop: this.crop, tile: this.tile, grid: this.grid, labels: this.labelList(), opacity: this.clampedOpacity() });
      if (seq !== this.segmentSeq || model !== this.model_?.model) return undefined;
      this.lastResult = detail;
      this.setView({ state: 'result' });
      this.dispatchEvent(miEvent('mi-result', detail));
      await this.updateComplete; // the viewer's box is in the shadow root: NiiVue sizes its canvas to it
      await this.volumes.show(this.clampedOpacity());
      return detail;
    } catch (err) {
      if (seq !== this.segmentSeq) return undefined;
      if (err instanceof AbortError) {
        this.setView({ state: 'aborted', error: undefined, volume: undefined });
        this.dispatchEvent(miEvent('mi-error', errorDetail(err)));
      } else this.fail(errorDetail(err), 'segment');
      return undefined;
    }
  }

  /** New `labels`: the same mask, renamed. */
  private relabel(): void {
    if (!this.mask || !this.lastResult || this.lastResult.kind !== 'mask') return;
    const classes = segmentClasses(this.mask, this.labelList(), this.model_?.metadata);
    this.lastResult = { ...this.lastResult, classes };
    this.setView({ classes });
    this.paintMask();
  }

  private paintMask(): void {
    if (this.mask && this._view.classes) paintMask(this.maskCanvas, this.mask, this._view.classes, this._view.hidden);
  }

  private labelList(): string[] | undefined {
    return labelsOf(this.labels);
  }
}

/** `addEventListener('mi-result', …)` on a segmenter gets the segmenter's detail (see MiSegmenterEventMap). */
export interface MiSegmenter {
  addEventListener<K extends keyof MiSegmenterEventMap>(
    type: K,
    listener: (this: MiSegmenter, ev: MiSegmenterEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof MiSegmenterEventMap>(
    type: K,
    listener: (this: MiSegmenter, ev: MiSegmenterEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}
