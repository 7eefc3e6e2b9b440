/**
 * The element's template, a pure function of a view model, so what a user (or a screen reader)
 * sees in each state is readable in one place.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { cssWidth } from './css-width.ts';
import type { MiErrorDetail } from './events.ts';
import { formatPercent, type LabelledProbability } from './probabilities.ts';
import type { LoadPhase } from './loader.ts';
import type { MiExplainDetail } from './heatmap.ts';
import type { DropZoneHandlers } from './drop-zone.ts';

/** Everything the template shows. */
export interface View {
  state: 'empty' | 'loading' | 'ready' | 'classifying' | 'result' | 'error';
  progress?: LoadPhase;
  error?: MiErrorDetail & { during: 'load' | 'classify' };
  bars?: LabelledProbability[];
  ms?: number;
  adapter?: string;
  /** Where the loaded model runs, shown as a badge (backendBadge). */
  badge?: string;
  hasImage: boolean;
  imageName?: string;
  dragging: boolean;
  preview: HTMLCanvasElement;
  /** The Grad-CAM overlay canvas, drawn over the preview. */
  heatmap: HTMLCanvasElement;
  /** Whether the heatmap is switched on (the toggle's state). */
  heatmapOn: boolean;
  /** The explanation shown, for the caption. */
  explained?: MiExplainDetail;
}

/** What the template calls back. */
export interface Handlers extends DropZoneHandlers {
  toggleHeatmap(): void;
}

const NO_WEBGPU_TITLE = 'This browser has no WebGPU';
const NO_WEBGPU_HINT = html`Use Chrome or Edge 113+ (on Linux, start it with <code>--enable-unsafe-webgpu</code>), Safari 26+,
  or Firefox 141+ on Windows.`;

function errorTitle(err: NonNullable<View['error']>): string {
  if (err.code === 'WEBGPU_UNAVAILABLE') return NO_WEBGPU_TITLE;
  return err.during === 'load' ? 'The model could not be loaded' : 'The image could not be classified';
}

function renderError(err: NonNullable<View['error']>): TemplateResult {
  return html`<div part="error" role="alert">
    <strong>${errorTitle(err)}</strong>
    ${err.code === 'WEBGPU_UNAVAILABLE' ? html`<p>${NO_WEBGPU_HINT}</p>` : nothing}
    <p>${err.message}</p>
  </div>`;
}

function renderProgress(p: LoadPhase): TemplateResult {
  const pct = Math.round(p.fraction * 100);
  return html`<div
    part="progress"
    role="progressbar"
    aria-label="Loading the model"
    aria-valuemin="0"
    aria-valuemax="100"
    aria-valuenow=${pct}
    aria-valuetext=${`${p.text} (${pct} %)`}
  >
    <span class="fill" ${cssWidth(`${pct}%`)}></span>
    <span class="text">${p.text}</span>
  </div>`;
}

/** Visual bars are hidden from assistive technology; the table below says the same in words. */
function renderBars(bars: LabelledProbability[]): TemplateResult {
  return html`<ul part="bars" aria-hidden="true">
      ${bars.map(
        (b) => html`<li part="bar">
          <span part="label" title=${b.label}>${b.label}</span>
          <span class="track"><span part="bar-fill" ${cssWidth(`${(b.p * 100).toFixed(2)}%`)}></span></span>
          <span part="value">${formatPercent(b.p)}</span>
        </li>`,
      )}
    </ul>
    <table class="sr-only">
      <caption>
        Classification result
      </caption>
      ${bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${formatPercent(b.p)}</td></tr>`)}
    </table>`;
}

/** The heatmap toggle (after a result) and the caption saying what the shown heatmap explains. */
function renderHeatmapControls(v: View, on: Handlers): TemplateResult | typeof nothing {
  if (!v.hasImage || !(v.state === 'result' || v.explained)) return nothing;
  const e = v.explained;
  return html`<div class="heatmap-row">
    <button part="heatmap-toggle" type="button" aria-pressed=${v.heatmapOn ? 'true' : 'false'} @click=${on.toggleHeatmap}>
      ${v.heatmapOn ? 'Hide heatmap' : 'Show where the model looked'}
    </button>
    ${v.heatmapOn && e
      ? html`<p part="heatmap-caption">Heatmap of <strong>${e.label}</strong> (Grad-CAM, layer ${e.layer}): ${e.description}.</p>`
      : v.heatmapOn
        ? html`<p part="heatmap-caption">Computing the heatmap…</p>`
        : nothing}
  </div>`;
}

function statusText(v: View): TemplateResult | string {
  switch (v.state) {
    case 'empty':
      return 'No model yet: set the model attribute to a model URL, or the model property to model files.';
    case 'loading':
      return v.progress?.text ?? 'Loading the model…';
    case 'ready':
      return 'Ready: drop an image, or press the box above to choose one.';
    case 'classifying':
      return 'Classifying…';
    case 'result': {
      const top = v.bars?.[0];
      return html`${top ? html`<strong>${top.label} ${formatPercent(top.p)}</strong> · ` : nothing}${v.ms?.toFixed(1)} ms on
        <span part="adapter">${v.adapter}</span>`;
    }
    case 'error':
      return 'Error: see the message above.';
  }
}

export function renderClassifier(v: View, on: Handlers): TemplateResult {
  const label = v.hasImage
    ? `Image ${v.imageName ? `"${v.imageName}" ` : ''}chosen. Press to choose another image, or drop one here.`
    : 'Choose an image to classify, or drop one here.';
  v.preview.hidden = !v.hasImage;
  if (!v.hasImage || !v.heatmapOn) v.heatmap.hidden = true;
  return html`<div class="card" part="container">
    <div
      part="dropzone"
      class=${v.dragging ? 'dragging' : ''}
      role="button"
      tabindex="0"
      aria-label=${label}
      @click=${on.pick}
      @keydown=${on.keydown}
      @dragover=${on.dragover}
      @dragleave=${on.dragleave}
      @drop=${on.drop}
    >
      <span class="stage">${v.preview}${v.heatmap}</span>
      <span class="hint" aria-hidden="true">${v.hasImage ? 'Drop or choose another image' : 'Drop an image here, or click to choose one'}</span>
    </div>
    <input type="file" accept="image/*,.dcm,.dicom,.nii,.gz,application/dicom" multiple hidden tabindex="-1" @change=${on.fileChosen} />
    ${v.state === 'loading' && v.progress ? renderProgress(v.progress) : nothing}
    ${v.error ? renderError(v.error) : nothing}
    ${v.bars && (v.state === 'result' || v.state === 'classifying') ? renderBars(v.bars) : nothing}
    ${renderHeatmapControls(v, on)}
    <p part="status" role="status" aria-live="polite">${statusText(v)}</p>
    ${v.badge ? html`<span part="backend" class="badge">${v.badge}</span>` : nothing}
  </div>`;
}

/** The badge text: "GPU · <adapter>" on WebGPU, "CPU · WebAssembly, <reason>" on WebAssembly. */
export function backendBadge(model: { backend: 'webgpu' | 'wasm'; adapterName: string; backendReason: string }): string {
  return model.backend === 'webgpu' ? `GPU · ${model.adapterName}` : `CPU · WebAssembly, ${model.backendReason}`;
}
