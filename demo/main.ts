/**
 * The demo page's script: the gallery of sample cells, an event log, and the "your own model"
 * example. All classification is the element's; this file only sets its properties.
 */
import '../src/element/index.ts';
import type { MiClassifier } from '../src/element/index.ts';

interface Sample {
  url: string;
  label: string;
  path: string;
  /** 'dicom': the cell as a DICOM file (demo/dicom-sample.ts); `thumbnail` is its PNG. */
  format?: 'dicom';
  thumbnail?: string;
}

const cells = document.querySelector<MiClassifier>('#cells')!;
const own = document.querySelector<MiClassifier>('#own')!;
const log = document.querySelector<HTMLPreElement>('#log')!;

/** Appends one line to the visible event log (newest last). */
function note(line: string): void {
  log.textContent += `${line}\n`;
  log.scrollTop = log.scrollHeight;
}

cells.addEventListener('mi-load', (e) => note(`mi-load  ${e.detail.info.name} on ${e.detail.adapter} (${e.detail.ms.toFixed(0)} ms)`));
cells.addEventListener('mi-result', (e) => {
  const top = e.detail.probabilities[0];
  note(`mi-result ${top.label} ${(top.p * 100).toFixed(1)} % (${e.detail.ms.toFixed(1)} ms)`);
});
cells.addEventListener('mi-explain', (e) => note(`mi-explain ${e.detail.label}, layer ${e.detail.layer}: ${e.detail.description}`));
cells.addEventListener('mi-error', (e) => note(`mi-error ${e.detail.code}: ${e.detail.message}`));

/** Fills the gallery from the dev server's list; an empty list (no fixtures) shows a note instead. */
async function buildGallery(): Promise<void> {
  const gallery = document.querySelector<HTMLUListElement>('#gallery')!;
  let samples: Sample[] = [];
  try {
    const res = await fetch('/samples.json');
    if (res.ok) samples = (await res.json()) as Sample[];
  } catch {
    // A static build without the dev server has no list: the page still works with dropped images.
  }
  document.querySelector<HTMLElement>('#gallery-empty')!.hidden = samples.length > 0;
  for (const s of samples) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    const name = decodeURIComponent(s.url.split('/').pop() ?? '');
    button.type = 'button';
    button.dataset.url = s.url;
    button.dataset.path = s.path;
    button.setAttribute('aria-pressed', 'false');
    const dicom = s.format === 'dicom';
    button.title = `${s.label}: ${name}${dicom ? ' (the cell as a DICOM file)' : ''}`;
    const img = Object.assign(document.createElement('img'), { src: s.thumbnail ?? s.url, alt: `${s.label} cell ${name}` });
    button.append(img, dicom ? `${s.label} · DICOM` : s.label);
    if (dicom) button.dataset.format = 'dicom';
    button.addEventListener('click', () => {
      gallery.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
      cells.src = s.url;
    });
    li.append(button);
    gallery.append(li);
  }
}

void buildGallery();

// "Your own model": the element takes the FileList as it is; metadata.json among the files is used.
const files = document.querySelector<HTMLInputElement>('#own-files')!;
const labels = document.querySelector<HTMLInputElement>('#own-labels')!;
files.addEventListener('change', () => {
  if (files.files && files.files.length > 0) own.model = files.files;
});
labels.addEventListener('change', () => {
  if (labels.value.trim()) own.setAttribute('labels', labels.value);
  else own.removeAttribute('labels');
});
