/**
 * `<mi-segmenter>`'s template, a pure function of a view model (as render.ts is the classifier's):
 * the drop zone with the image and the mask over it, the load progress, the legend with one toggle
 * button per class, the status line and the error message; for a 3-D model the run's progress with
 * Cancel, then the viewer, label table and Save (segmenter-volume-render.ts).
 */
import type { DropZoneHandlers } from './drop-zone.ts';
import { html, nothing, type TemplateResult } from 'lit';
import { cssVar } from './css-var.ts';
import type { MiErrorDetail } from './events.ts';
import type { LoadPhase } from './loader.ts';
import type { SegmentClass } from './segment-mask.ts';
import { formatVolume } from '../segment/labels.ts';
import { renderVolumeProgress, renderVolumeResult, type VolumeHandlers, type VolumeViewState } from './segmenter-volume-render.ts';

export interface SegmenterView {
  state: 'empty' | 'loading' | 'ready' | 'segmenting' | 'result' | 'aborted' | 'error';
  progress?: LoadPhase;
  error?: MiErrorDetail & { during: 'load' | 'segment' };
  classes?: SegmentClass[];
  hidden: ReadonlySet<number>;
  ms?: number;
  adapter?: string;
  badge?: string;
  hasImage: boolean;
  imageName?: string;
  dragging: boolean;
  /** A 3-D model's run and result. */
  volume?: VolumeViewState;
}

export interface SegmenterHandlers extends DropZoneHandlers, VolumeHandlers {
  toggleClass(index: number): void;
}

function errorTitle(err: NonNullable<SegmenterView['error']>, volume: boolean): string {
  if (err.code === 'WEBGPU_UNAVAILABLE') return 'This browser has no WebGPU';
  return err.during === 'load' ? 'The model could not be loaded' : volume ? 'The volume could not be segmented' : 'The image could not be segmented';
}

const percent = (f: number): string => `${(f * 100).toFixed(1)} %`;

function renderProgress(p: LoadPhase): TemplateResult {
  const pct = Math.round(p.fraction * 100);
  return html`<div part="progress" role="progressbar" aria-label="Loading the model" aria-valuemin="0" aria-valuemax="100"
    aria-valuenow=${pct} aria-valuetext=${`${p.text} (${pct} %)`}>
    <span class="fill" ${cssVar('width', `${pct}%`)}></span>
    <span class="text">${p.text}</span>
  </div>`;
}

/** One toggle per class: pressed = shown over the image. The swatch's colour is set through the CSSOM (strict CSP). */
function renderLegend(classes: readonly SegmentClass[], hidden: ReadonlySet<number>, on: SegmenterHandlers): TemplateResult {
  return html`<ul part="legend" aria-label="Classes (press to show or hide one)">
    ${classes.map((c) => {
      const shown = !hidden.has(c.index);
      return html`<li>
        <button part="legend-item" type="button" aria-pressed=${shown ? 'true' : 'false'} data-class=${c.index} @click=${() => on.toggleClass(c.index)}>
          <span part="swatch" aria-hidden="true" ${cssVar('--_swatch', c.colour)}></span>
          <span part="class-name">${c.name}</span>
          <span part="class-area">${percent(c.fraction)}</span>
        </button>
      </li>`;
    })}
  </ul>`;
}

function statusText(v: SegmenterView): TemplateResult | string {
  switch (v.state) {
    case 'empty':
      return 'No model yet: set the model attribute to a model URL, or the model property to model files or a loaded model.';
    case 'loading':
      return v.progress?.text ?? 'Loading the model…';
    case 'ready':
      return 'Ready: drop an image, or press the box above to choose one.';
    case 'segmenting':
      return v.volume ? 'Segmenting the volume…' : 'Segmenting…';
    case 'result': {
      const d = v.volume?.detail;
      if (!d) return html`Segmented in ${v.ms?.toFixed(1)} ms on <span part="adapter">${v.adapter}</span>`;
      const labels = d.volumes.filter((l) => l.label !== 0).map((l) => `${l.name} ${formatVolume(l.mm3)}`).join(', ');
      return html`Segmented in ${(d.ms / 1000).toFixed(1)} s on <span part="adapter">${d.adapter}</span>: ${labels}`;
    }
    case 'aborted':
      return 'Segmentation cancelled: drop a volume or press the box above to start again.';
    case 'error':
      return 'Error: see the message above.';
  }
}

export function renderSegmenter(v: SegmenterView, stage: { image: HTMLCanvasElement; mask: HTMLCanvasElement; viewer: HTMLElement }, on: SegmenterHandlers): TemplateResult {
  const label = v.hasImage
    ? `Image ${v.imageName ? `"${v.imageName}" ` : ''}chosen. Press to choose another image, or drop one here.`
    : 'Choose an image to segment, or drop one here.';
  stage.image.hidden = !v.hasImage; // for a volume: its middle slice, the viewer comes below
  stage.mask.hidden = !v.hasImage || !v.classes;
  return html`<div class="card" part="container">
    <div part="dropzone" class=${v.dragging ? 'dragging' : ''} role="button" tabindex="0" aria-label=${label}
      @click=${on.pick} @keydown=${on.keydown} @dragover=${on.dragover} @dragleave=${on.dragleave} @drop=${on.drop}>
      <span class="stage">${stage.image}${stage.mask}</span>
      <span class="hint" aria-hidden="true">${v.hasImage ? `Drop or choose another ${v.volume ? 'volume' : 'image'}` : 'Drop an image here, or click to choose one'}</span>
    </div>
    <input type="file" accept="image/*,.dcm,.dicom,.nii,.gz,application/dicom" multiple hidden tabindex="-1" @change=${on.fileChosen} />
    ${v.state === 'loading' && v.progress ? renderProgress(v.progress) : nothing}
    ${v.error
      ? html`<div part="error" role="alert"><strong>${errorTitle(v.error, !!v.volume)}</strong><p>${v.error.message}</p></div>`
      : nothing}
    ${v.classes && (v.state === 'result' || v.state === 'segmenting') ? renderLegend(v.classes, v.hidden, on) : nothing}
    ${v.volume?.progress && v.state === 'segmenting' ? renderVolumeProgress(v.volume.progress, on) : nothing}
    ${v.volume?.detail && v.state === 'result' ? renderVolumeResult(v.volume, stage.viewer, on) : nothing}
    <p part="status" role="status" aria-live="polite">${statusText(v)}</p>
    ${v.badge ? html`<span part="backend" class="badge">${v.badge}</span>` : nothing}
  </div>`;
}
