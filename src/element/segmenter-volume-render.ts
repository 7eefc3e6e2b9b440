/**
 * `<mi-segmenter>`'s 3-D template parts, pure functions of the view: the progress of a running
 * segmentation with its Cancel button, and the result: the viewer (NiiVue's canvas, or a message
 * saying why there is none), one slice scroller per plane, the label opacity, the label table with
 * names, colours and volumes in mm³, and the Save button.
 */
import { formatVolume } from '../segment/labels.ts';
import { html, nothing, type TemplateResult } from 'lit';
import { cssVar } from './css-var.ts';
import type { MiSegmentProgressDetail, MiSegmentVolumeDetail } from './segmenter-volume.ts';
import type { Plane, SlicePosition } from './volume-view.ts';

export interface VolumeViewState {
  /** While segmenting. */
  progress?: MiSegmentProgressDetail;
  detail?: MiSegmentVolumeDetail;
  /** The crosshair's slices, once the viewer shows the result. */
  slices?: SlicePosition;
  /** Why there is no viewer (NiiVue missing, no WebGL2). */
  viewerError?: string;
  opacity: number;
}

export interface VolumeHandlers {
  cancel(): void;
  save(): void;
  setSlice(plane: Plane, index: number): void;
  setOpacity(opacity: number): void;
}

const PLANES: { plane: Plane; name: string; axis: string }[] = [
  { plane: 2, name: 'Axial', axis: 'inferior to superior' },
  { plane: 1, name: 'Coronal', axis: 'posterior to anterior' },
  { plane: 0, name: 'Sagittal', axis: 'left to right' },
];


export function renderVolumeProgress(p: MiSegmentProgressDetail, on: VolumeHandlers): TemplateResult {
  const pct = Math.round(p.fraction * 100);
  return html`<div class="volume-run">
    <div part="progress" role="progressbar" aria-label="Segmenting the volume" aria-valuemin="0" aria-valuemax="100"
      aria-valuenow=${pct} aria-valuetext=${p.text}>
      <span class="fill" ${cssVar('width', `${pct}%`)}></span>
      <span class="text">${p.text}</span>
    </div>
    <button part="cancel" type="button" @click=${on.cancel}>Cancel</button>
  </div>`;
}

function renderScrollers(s: SlicePosition, on: VolumeHandlers): TemplateResult {
  return html`<div part="slices" class="slices">
    ${PLANES.map(({ plane, name, axis }) => html`<label>
      <span>${name} ${s.index[plane] + 1} / ${s.count[plane]}</span>
      <input part="slice" type="range" min="0" max=${s.count[plane] - 1} .value=${String(s.index[plane])} data-plane=${plane}
        aria-label=${`${name} slice (${axis})`} aria-valuetext=${`${name} slice ${s.index[plane] + 1} of ${s.count[plane]}`}
        @input=${(e: Event) => on.setSlice(plane, Number((e.target as HTMLInputElement).value))} />
    </label>`)}
  </div>`;
}

function renderTable(d: MiSegmentVolumeDetail): TemplateResult {
  return html`<table part="volumes">
    <caption>Label volumes</caption>
    <thead><tr><th scope="col">Label</th><th scope="col">Voxels</th><th scope="col">Volume</th></tr></thead>
    <tbody>
      ${d.volumes.map((v) => {
        const colour = d.labelTable.find((e) => e.label === v.label)?.color ?? '#000000';
        return html`<tr part="volume-row" data-label=${v.label} data-mm3=${v.mm3}>
          <th scope="row"><span part="swatch" aria-hidden="true" ${cssVar('--_swatch', colour)}></span> <span part="class-name">${v.name}</span></th>
          <td>${v.voxels.toLocaleString('en-US')}</td>
          <td part="class-volume">${formatVolume(v.mm3)}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** The 3-D result: viewer (or why none), scrollers, opacity, label table and Save. */
export function renderVolumeResult(v: VolumeViewState, viewer: HTMLElement, on: VolumeHandlers): TemplateResult {
  const d = v.detail!;
  return html`<div class="volume-result">
    ${v.viewerError
      ? html`<div part="viewer-message" role="note">${v.viewerError}</div>`
      : html`${viewer}${v.slices ? renderScrollers(v.slices, on) : nothing}
          <label class="opacity">Label opacity
            <input part="opacity" type="range" min="0" max="1" step="0.05" .value=${String(v.opacity)}
              @input=${(e: Event) => on.setOpacity(Number((e.target as HTMLInputElement).value))} />
          </label>`}
    ${renderTable(d)}
    <button part="save" type="button" @click=${on.save}>Save labels (.nii.gz)</button>
  </div>`;
}
