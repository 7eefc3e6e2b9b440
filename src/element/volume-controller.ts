/**
 * The 3-D half of `<mi-segmenter>` as one object the element holds: runs a volume through the
 * pipeline (with its AbortController, so `abort()` and the Cancel button stop it between tiles),
 * keeps the last result and its scan, shows them in the viewer (volume-view.ts), and gives the
 * labels as NIfTI bytes or a download. The element keeps the view model and the events.
 */
import type { LoadedModel } from '../index.ts';
import type { MedicalImage } from '../formats/medical/types.ts';
import { errorDetail } from './events.ts';
import type { VolumeViewState } from './segmenter-volume-render.ts';
import { download, labelsFileName, labelsNifti, segmentWithModel, type MiSegmentProgressDetail, type MiSegmentVolumeDetail } from './segmenter-volume.ts';
import { loadViewer, VolumeView, type Plane, type ViewerSource } from './volume-view.ts';

export interface VolumeHost {
  /** Merges `patch` into the view's 3-D state (undefined: no 3-D state). */
  setVolume(patch: Partial<VolumeViewState> | undefined): void;
  /** A progress report of the running segmentation (the element fires `mi-progress`). */
  progress(detail: MiSegmentProgressDetail): void;
  /** Where NiiVue comes from: the `viewer` property and `viewer-base-url`. */
  viewerSource(): { viewer?: ViewerSource; baseUrl?: string };
}

export interface VolumeRun {
  crop?: boolean;
  tile?: number;
  grid?: string;
  /** The element's `labels`: names over the model metadata's. */
  labels?: string[];
  opacity: number;
}

export class VolumeController {
  /** The viewer's box (part `viewer`); a fresh canvas goes in for each result (NiiVue owns its GL context). */
  readonly box = document.createElement('div');
  private running?: AbortController;
  private view?: VolumeView;
  private shown?: { detail: MiSegmentVolumeDetail; scan: MedicalImage };
  private showSeq = 0;

  constructor(private readonly host: VolumeHost) {
    this.box.setAttribute('part', 'viewer');
    this.box.setAttribute('role', 'group');
    this.box.setAttribute('aria-label', 'Labels over the scan in three planes (the crosshair marks the shown slices)');
  }

  /** The last result, if any. */
  get detail(): MiSegmentVolumeDetail | undefined {
    return this.shown?.detail;
  }

  /** Segments `scan`; rejects with an AbortError (code ABORTED) when cancelled or superseded. */
  async run(model: LoadedModel, scan: MedicalImage, options: VolumeRun): Promise<MiSegmentVolumeDetail> {
    this.cancel();
    this.clear();
    const abort = (this.running = new AbortController());
    this.host.setVolume({ progress: undefined, detail: undefined, slices: undefined, viewerError: undefined, opacity: options.opacity });
    try {
      const detail = await segmentWithModel(model, scan, {
        crop: options.crop,
        tile: options.tile,
        grid: options.grid,
        labels: options.labels,
        signal: abort.signal,
        onProgress: (p) => {
          if (abort.signal.aborted) return;
          this.host.setVolume({ progress: p });
          this.host.progress(p);
        },
      });
      this.shown = { detail, scan };
      this.host.setVolume({ progress: undefined, detail });
      return detail;
    } finally {
      if (this.running === abort) this.running = undefined;
    }
  }

  /** Stops the running segmentation; true when one was running. */
  cancel(reason = 'cancelled'): boolean {
    const running = this.running;
    this.running = undefined;
    running?.abort(reason);
    return !!running;
  }

  /** Shows the last result in the viewer, or says why it cannot (the table and Save stay). */
  async show(opacity: number): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const seq = ++this.showSeq;
    this.view?.dispose();
    this.view = undefined;
    const canvas = document.createElement('canvas');
    canvas.setAttribute('part', 'viewer-canvas');
    canvas.tabIndex = 0;
    canvas.setAttribute('aria-label', `${shown.scan.name} with its labels: axial, coronal and sagittal planes`);
    this.box.replaceChildren(canvas);
    try {
      const { viewer, baseUrl } = this.host.viewerSource();
      const module = await loadViewer(viewer, baseUrl);
      if (seq !== this.showSeq) return;
      const view = await VolumeView.open(module, canvas, shown.scan, shown.detail.labels, shown.detail.labelTable, opacity, (slices) => {
        if (seq === this.showSeq) this.host.setVolume({ slices });
      });
      if (seq !== this.showSeq) return view.dispose();
      this.view = view;
    } catch (err) {
      if (seq !== this.showSeq) return;
      this.box.replaceChildren();
      this.host.setVolume({ viewerError: errorDetail(err).message });
    }
  }

  setSlice(plane: Plane, index: number): void {
    this.view?.setSlice(plane, index);
  }

  setOpacity(opacity: number): void {
    this.host.setVolume({ opacity });
    this.view?.setOpacity(opacity);
  }

  /** The last labels as a gzipped NIfTI in the scan's space; undefined before any result. */
  labelsNifti(): Uint8Array | undefined {
    return this.shown && labelsNifti(this.shown.detail, this.shown.scan);
  }

  /** Offers the labels as `<scan>_labels.nii.gz`. */
  save(): void {
    const bytes = this.labelsNifti();
    if (bytes) download(bytes, labelsFileName(this.shown?.scan.name));
  }

  /** Forgets the result and frees the viewer. */
  clear(): void {
    this.showSeq++;
    this.shown = undefined;
    this.view?.dispose();
    this.view = undefined;
    this.box.replaceChildren();
  }
}
