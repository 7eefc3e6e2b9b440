/**
 * The brain demo's script: picks a MeshNet model and a T1 scan, loads the model once, says how long
 * the segmentation will take on this device (estimateSegmentation times one real tile), and on
 * "Segment" hands the loaded model and the scan to <mi-segmenter>, which does the rest (progress,
 * cancel, three planes, label volumes, save). The app gives the engine ONNX Runtime Web, so a
 * device with only a software GPU segments on the CPU in tens of seconds rather than hours. The 3-D
 * viewer, NiiVue (an optional peer), is found where the element looks by default: /node_modules/.
 */
import '../src/element/index.ts';
import type { MiSegmenter } from '../src/element/index.ts';
import { estimateSegmentation, loadModel, readNifti, useOnnxRuntime, type LoadedModel, type MedicalImage } from '../src/index.ts';

useOnnxRuntime(() => import('onnxruntime-web/wasm'));

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const segmenter = $<MiSegmenter>('#brain');
const modelSelect = $<HTMLSelectElement>('#model');
const volumeSelect = $<HTMLSelectElement>('#volume');
const backendSelect = $<HTMLSelectElement>('#backend');
const gridSelect = $<HTMLSelectElement>('#grid');
const crop = $<HTMLInputElement>('#crop');
const start = $<HTMLButtonElement>('#start');
const status = $<HTMLParagraphElement>('#estimate');
const log = $<HTMLPreElement>('#log');

function note(line: string): void {
  log.textContent += `${line}\n`;
  log.scrollTop = log.scrollHeight;
}

const seconds = (s: number) => (s < 90 ? `${Math.max(1, Math.round(s))} s` : `${(s / 60).toFixed(s < 600 ? 1 : 0)} min`);

/**
 * The models come without a metadata.json: the page gives their colours (blue white matter, orange
 * grey matter: both stand out on a grey scan); the names are the element's `labels` (brain.html).
 */
const TISSUE_COLOURS = { colors: ['#000000', '#4682b4', '#e79422'] };

/** What "Segment" will run: the loaded model and the read scan, once the estimate is in. */
let ready: { model: LoadedModel; image: MedicalImage } | undefined;
let preparing = 0;

/** Loads the chosen model and scan and times one tile; the newest choice wins over an older one still on its way. */
async function prepare(): Promise<void> {
  const mine = ++preparing;
  start.disabled = true;
  const previous = ready?.model;
  ready = undefined;
  if (previous && previous !== segmenter.model) void previous.dispose();
  if (!volumeSelect.value) return;
  try {
    status.textContent = 'Loading the model and the scan…';
    const [model, bytes] = await Promise.all([
      loadModel(`/meshnet/${modelSelect.value}/model.json`, { backend: backendSelect.value as 'auto' | 'wasm' | 'webgpu', metadata: TISSUE_COLOURS }),
      fetch(volumeSelect.value).then(async (r) => {
        if (!r.ok) throw new Error(`${volumeSelect.value}: HTTP ${r.status}`);
        return new Uint8Array(await r.arrayBuffer());
      }),
    ]);
    const image = readNifti(bytes, { name: volumeSelect.value.split('/').pop() });
    if (mine !== preparing) return void model.dispose();
    const where = model.backend === 'wasm' ? 'WebAssembly' : 'WebGPU';
    status.textContent = `Timing one tile on ${where}…`;
    const [size, voxelSize] = gridSelect.value.split(',').map(Number);
    const estimate = await estimateSegmentation(model, image, { crop: crop.checked, conform: { size, voxelSize } });
    if (mine !== preparing) return void model.dispose();
    ready = { model, image };
    const [d, h, w] = estimate.tile;
    status.textContent =
      `This will take about ${seconds(estimate.seconds)} here on ${where} (${model.backendReason}): ` +
      `${estimate.tiles} tile${estimate.tiles === 1 ? '' : 's'} of ${d}×${h}×${w} voxels at ${seconds(estimate.secondsPerTile)} each` +
      `${estimate.conformSeconds > 0 ? `, plus resampling to and from the model's grid` : ''}.`;
    note(`estimate ${modelSelect.value} on ${volumeSelect.value} (grid ${gridSelect.value}${crop.checked ? ', crop' : ''}): ${estimate.seconds.toFixed(1)} s (${estimate.tiles} tiles × ${estimate.secondsPerTile.toFixed(2)} s)`);
    start.disabled = false;
  } catch (err) {
    if (mine === preparing) status.textContent = `Could not prepare: ${(err as Error).message}`;
  }
}

start.addEventListener('click', () => {
  if (!ready) return;
  start.disabled = true;
  segmenter.crop = crop.checked;
  segmenter.grid = gridSelect.value;
  segmenter.model = ready.model;
  segmenter.volume = ready.image;
});

segmenter.addEventListener('mi-progress', (e) => {
  const d = e.detail as { stage?: string; tile?: number; tiles?: number };
  if (d.stage === 'infer' && d.tile) note(`mi-progress infer tile ${d.tile} / ${d.tiles}`);
});
segmenter.addEventListener('mi-result', (e) => {
  const d = e.detail as { ms?: number; volumes?: { name: string; mm3: number }[] };
  note(`mi-result ${(d.volumes ?? []).map((v) => `${v.name} ${(v.mm3 / 1000).toFixed(1)} cm³`).join(', ')}${d.ms ? ` in ${(d.ms / 1000).toFixed(1)} s` : ''}`);
  start.disabled = false;
});
segmenter.addEventListener('mi-error', (e) => {
  note(`mi-error ${e.detail.code}: ${e.detail.message}`);
  start.disabled = false;
});

async function listVolumes(): Promise<void> {
  let volumes: { url: string; label: string }[] = [];
  try {
    const res = await fetch('/volumes.json');
    if (res.ok) volumes = (await res.json()) as typeof volumes;
  } catch {
    // A static build has no list: a scan dropped on the segmenter still works.
  }
  for (const v of volumes) volumeSelect.append(new Option(v.label, v.url));
  if (volumes.length === 0) status.textContent = 'No sample scans here (they come from ../shared/fixtures/volumes): drop a NIfTI file or a DICOM series on the segmenter.';
  else void prepare();
}

for (const control of [modelSelect, volumeSelect, backendSelect, gridSelect, crop]) control.addEventListener('change', () => void prepare());
void listVolumes();
