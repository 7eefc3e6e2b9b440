/**
 * `<mi-segmenter>` on a 3-D model, as a page author uses it: MeshNet model5 (shared fixtures) on the
 * shared 256³ T1, both by URL from ../shared (never copied), on the WebAssembly backend (ONNX Runtime
 * Web, provided by the host page), with `crop` and `grid="128,2"` (the model on a 128³ 2 mm grid:
 * an eighth of the work of the full 1 mm run, which takes minutes here; the pipeline is the same).
 * Checks:
 * - progress per stage and per tile, fractions never decreasing; mi-result with labels on the T1's grid;
 * - the three planes drawn by NiiVue (WebGL2 on SwiftShader) with the labels over the scan: label 1's
 *   colour on screen at opacity 1, none of it at opacity 0 (screenshot: test-artifacts/mi-segmenter-3d.png);
 * - a slice scroller moves with the arrow keys; the label table equals the result's volumes;
 * - labelsNifti() equals `mi segment` with the same options voxel for voxel, with the T1's shape and affine;
 * - a 4-D or truncated volume fails with a clear mi-error, and a cancelled run ends in 'aborted';
 * - a dropped DICOM series is segmented on its own grid; without NiiVue the page says how to install
 *   it and still shows the label table and Save; the app's own loaded model and a volume it read,
 *   given as the `model` and `volume` properties (as the demo does), give the same labels.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { readDicomSeries } from '../../src/formats/dicom/index.ts';
import { readNifti } from '../../src/formats/nifti/index.ts';
import { writeNifti } from '../../src/formats/nifti/write.ts';
import { mi, show, tempDir } from '../cli/run-mi.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl } from '../util/gpu.ts';
import { closeWindow, newWindow, sharedBrowser } from './demo.ts';

const MODEL = join(fixturesDir(), 'models', 'meshnet-model5_gw_ae-tfjs', 'model.json');
const T1 = join(fixturesDir(), 'volumes', 't1_crop.nii.gz');
const GRID = '128,2';
const ARTIFACTS = join(repoRoot, 'test-artifacts');
/** Label 1's default colour (DEFAULT_PALETTE[1], #cd3e4e): no grey scan pixel is this red. */
const isLabel1 = (r: number, g: number, b: number) => Math.abs(r - 0xcd) < 24 && Math.abs(g - 0x3e) < 24 && Math.abs(b - 0x4e) < 24;

let browser: Browser;
let page: Page;

interface Seen {
  type: string;
  detail: any;
  /** performance.now() when it fired. */
  at: number;
}

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await newWindow(browser);
  // The engine's host page: it provides ONNX Runtime Web (useOnnxRuntime) and serves ../shared by path.
  await page.goto(inject('pageUrl'));
  await page.evaluate(`import('/src/element/index.ts')`);
  // Details kept as objects (a 256³ label volume would not survive JSON).
  await page.evaluate(() => {
    const w = window as unknown as { seen: Seen[] };
    w.seen = [];
    for (const type of ['mi-load', 'mi-progress', 'mi-result', 'mi-error']) document.addEventListener(type, (e) => w.seen.push({ type, detail: (e as CustomEvent).detail, at: performance.now() }), true);
  });
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
});

/** Waits for the `count`th event of `type`; an mi-error fired meanwhile (when waiting for another type) fails at once. */
async function waitFor(type: string, count: number, timeout = 240_000): Promise<void> {
  const errorsBefore = await page.evaluate(() => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === 'mi-error').length);
  await page.waitForFunction(
    (t, n, errs) => {
      const seen = (window as unknown as { seen: Seen[] }).seen;
      return seen.filter((e) => e.type === t).length >= n || (t !== 'mi-error' && seen.filter((e) => e.type === 'mi-error').length > errs);
    },
    { timeout, polling: 200 },
    type,
    count,
    errorsBefore,
  );
  if (type === 'mi-error') return;
  const errors = await page.evaluate((errs) => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === 'mi-error').slice(errs).map((e) => e.detail), errorsBefore);
  if (errors.length) throw new Error(`mi-error instead of ${type}: ${JSON.stringify(errors)}`);
}

function count(type: string): Promise<number> {
  return page.evaluate((t) => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === t).length, type);
}

/** Pixels of the viewer canvas (a screenshot: NiiVue's WebGL drawing buffer is not kept for readPixels). */
async function viewerPixels(path?: string): Promise<{ width: number; height: number; data: Uint8Array | Uint8ClampedArray | Uint16Array; channels: number }> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const canvas = await page.evaluateHandle(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=viewer-canvas]'));
  const png = (await canvas.asElement()!.screenshot({ type: 'png' })) as Uint8Array;
  if (path) writeFileSync(path, png);
  return decode(png);
}

function countLabel1(img: { data: ArrayLike<number>; channels: number; width: number; height: number }): number {
  let n = 0;
  for (let p = 0; p < img.width * img.height; p++) {
    const o = p * img.channels;
    if (isLabel1(img.data[o], img.data[o + 1], img.data[o + 2])) n++;
  }
  return n;
}

/** `<mi-segmenter id="seg">` with MeshNet on WebAssembly, crop, the 128³ grid, labels at opacity 1; `src` when given. */
async function addSegmenter(src?: string): Promise<void> {
  await page.evaluate(
    (model, grid, url) => {
      const el = document.createElement('mi-segmenter');
      el.id = 'seg';
      el.setAttribute('backend', 'wasm');
      el.setAttribute('no-cache', '');
      el.setAttribute('crop', '');
      el.setAttribute('grid', grid);
      el.setAttribute('opacity', '1');
      el.setAttribute('model', model);
      if (url) el.setAttribute('src', url);
      document.body.replaceChildren(el);
    },
    fileUrl(MODEL),
    GRID,
    src ?? '',
  );
}

it('segments the T1 with MeshNet on WebAssembly, shows three planes with the labels, saves what mi segment saves', async () => {
  const cliOut = join(tempDir(), 'labels.nii.gz');
  // The CLI runs beside the page (its own process, the same WebAssembly kernels under Node).
  const cli = mi(['segment', MODEL, '--volume', T1, '-o', cliOut, '--backend', 'wasm', '--runtime', 'node', '--crop', '--grid', GRID]);

  await addSegmenter(fileUrl(T1));
  const t0 = await page.evaluate(() => performance.now());
  await waitFor('mi-result', 1);
  const summary = await page.evaluate(() => {
    const seen = (window as unknown as { seen: Seen[] }).seen;
    const d = seen.find((e) => e.type === 'mi-result')!.detail;
    const progress = seen.filter((e) => e.type === 'mi-progress' && e.detail.phase === 'segment').map((e) => e.detail);
    return {
      load: seen.find((e) => e.type === 'mi-load')!.detail.backend,
      kind: d.kind,
      shape: d.labels.shape,
      affine: d.labels.affine,
      volumes: d.volumes,
      labelTable: d.labelTable,
      notes: d.notes,
      stages: [...new Set(progress.map((p: { stage: string }) => p.stage))],
      tiles: progress.filter((p: { tiles?: number }) => p.tiles).map((p: { tile: number; tiles: number }) => [p.tile, p.tiles]),
      fractions: progress.map((p: { fraction: number }) => p.fraction),
    };
  });
  expect(summary.load).toBe('wasm');
  expect(summary.kind).toBe('volume');
  const t1 = readNifti(new Uint8Array(readFileSync(T1)), { name: 't1_crop.nii.gz' });
  expect(summary.shape).toEqual(t1.shape);
  expect(summary.affine).toEqual(t1.affine);
  expect(summary.stages).toEqual(['conform', 'normalise', 'infer', 'write-back']);
  expect(summary.tiles.length).toBeGreaterThan(0);
  expect(summary.tiles.at(-1)![0]).toBe(summary.tiles.at(-1)![1]);
  expect(summary.fractions.every((f: number, i: number) => i === 0 || f >= summary.fractions[i - 1])).toBe(true);
  expect(summary.fractions.at(-1)).toBe(1);
  expect(summary.labelTable.map((e: { name: string }) => e.name)).toEqual(['background', 'label 1', 'label 2']);
  expect(summary.volumes.filter((v: { voxels: number }) => v.voxels > 0)).toHaveLength(3);

  // The viewer: three planes, a scroller per plane, the labels over the scan.
  await page.waitForFunction(() => document.querySelector('#seg')!.shadowRoot!.querySelectorAll('[part=slice]').length === 3, { timeout: 60_000 });
  const times = await page.evaluate((start) => {
    const seen = (window as unknown as { seen: Seen[] }).seen;
    const at = (t: string) => ((seen.find((e) => e.type === t)!.at - start) / 1000).toFixed(1);
    return { load: at('mi-load'), result: at('mi-result'), viewer: ((performance.now() - start) / 1000).toFixed(1), ms: seen.find((e) => e.type === 'mi-result')!.detail.ms };
  }, t0);
  console.log(`mi-segmenter 3-D: loaded at ${times.load} s, result at ${times.result} s (pipeline ${(times.ms / 1000).toFixed(1)} s), viewer shown at ${times.viewer} s`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const shown = await viewerPixels(join(ARTIFACTS, 'mi-segmenter-3d.png'));
  await (await page.$('#seg'))!.screenshot({ path: join(ARTIFACTS, 'mi-segmenter-3d-element.png') });
  const red = countLabel1(shown);
  let lit = 0;
  for (let p = 0; p < shown.width * shown.height; p++) if (shown.data[p * shown.channels] + shown.data[p * shown.channels + 1] > 60) lit++;
  console.log(`mi-segmenter 3-D: viewer ${shown.width}×${shown.height}, ${lit} lit pixels, ${red} in label 1's colour`);
  expect(lit, 'the viewer shows the scan').toBeGreaterThan(shown.width * shown.height * 0.1);
  expect(red, "label 1's colour on screen").toBeGreaterThan(500);
  let crosshair = 0; // NiiVue's crosshair, drawn yellow (volume-view.ts)
  for (let p = 0; p < shown.width * shown.height; p++) {
    const [r, g, b] = [0, 1, 2].map((c) => shown.data[p * shown.channels + c]);
    if (r > 150 && g > 150 && b < 100) crosshair++;
  }
  expect(crosshair, 'crosshair pixels').toBeGreaterThan(100);
  await page.evaluate(() => document.querySelector('#seg')!.setAttribute('opacity', '0'));
  expect(countLabel1(await viewerPixels()), 'no label colour at opacity 0').toBeLessThan(red / 50);

  // Keyboard: the axial scroller moves one slice per arrow key.
  const axial = async () => page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector<HTMLInputElement>('[part=slice][data-plane="2"]')!.value);
  const before = Number(await axial());
  await page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector<HTMLInputElement>('[part=slice][data-plane="2"]')!.focus());
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => Number(document.querySelector('#seg')!.shadowRoot!.querySelector<HTMLInputElement>('[part=slice][data-plane="2"]')!.value) === b + 2, { timeout: 10_000 }, before);

  // The page's label table: the result's volumes, names and colours.
  const table = await page.evaluate(() =>
    [...document.querySelector('#seg')!.shadowRoot!.querySelectorAll<HTMLElement>('[part=volume-row]')].map((r) => ({
      label: Number(r.dataset.label),
      mm3: Number(r.dataset.mm3),
      name: r.querySelector('[part=class-name]')!.textContent,
      colour: getComputedStyle(r.querySelector('[part=swatch]')!).getPropertyValue('--_swatch').trim(),
    })),
  );
  expect(table).toEqual(summary.volumes.map((v: { label: number; mm3: number; name: string }) => ({ label: v.label, mm3: v.mm3, name: v.name, colour: summary.labelTable[v.label].color })));
  const status = await page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=status]')!.textContent);
  expect(status).toMatch(/Segmented in [\d.]+ s on .*label 1 [\d.]+ cm³/);

  // Saved labels: the CLI's, voxel for voxel, in the T1's space.
  const b64 = await page.evaluate(() => {
    const bytes = (document.querySelector('#seg') as unknown as { labelsNifti(): Uint8Array }).labelsNifti();
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const saved = readNifti(new Uint8Array(Buffer.from(b64, 'base64')), { name: 'saved.nii.gz' });
  const r = await cli;
  expect(r.code, show(r)).toBe(0);
  const fromCli = readNifti(new Uint8Array(readFileSync(cliOut)), { name: 'cli.nii.gz' });
  expect(saved.shape).toEqual(t1.shape);
  expect(saved.affine).toEqual(t1.affine);
  expect(saved.header.datatype.name).toBe(fromCli.header.datatype.name);
  let differ = 0;
  for (let v = 0; v < saved.data.length; v++) if (saved.data[v] !== fromCli.data[v]) differ++;
  expect(differ, 'voxels whose label differs from mi segment').toBe(0);
});

it('a 4-D or truncated volume gives a clear mi-error; a cancelled run ends in the aborted state', async () => {
  if (!(await page.$('#seg'))) {
    const loads = await count('mi-load');
    await addSegmenter();
    await waitFor('mi-load', loads + 1);
  }
  const drop = async (b64: string, name: string) =>
    page.evaluate(
      (data, n) => {
        const dt = new DataTransfer();
        dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], n));
        document.querySelector('#seg')!.shadowRoot!.querySelector('[part=dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      b64,
      name,
    );
  const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const fourD = writeNifti(new Float32Array(16 * 16 * 16 * 2).fill(1), [16, 16, 16, 2], eye, { datatype: 'uint8' });
  let errors = await count('mi-error');
  await drop(Buffer.from(fourD).toString('base64'), 'two-frames.nii');
  await waitFor('mi-error', errors + 1, 60_000);
  const text = () => page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=error]')?.textContent ?? '');
  expect(await text()).toMatch(/The volume could not be segmented.*two-frames\.nii is 4-D \(16×16×16×2/s);

  const whole = writeNifti(new Float32Array(32 ** 3).fill(3), [32, 32, 32], eye, { datatype: 'uint8' });
  errors = await count('mi-error');
  await drop(Buffer.from(whole.subarray(0, 352 + 1000)).toString('base64'), 'truncated.nii');
  await waitFor('mi-error', errors + 1, 60_000);
  expect(await text()).toMatch(/truncated\.nii/);
  expect(await text()).toMatch(/truncated|short|bytes/i);

  // Cancel, with the Cancel button and with abort(), each as soon as the run reports progress (a
  // WebAssembly tile holds the page's thread, so the button is pressed from the page, between
  // reports): the run ends 'aborted' with code ABORTED and no result.
  for (const how of ['button', 'abort()'] as const) {
    errors = await count('mi-error');
    const results = await count('mi-result');
    await page.evaluate((viaButton) => {
      const el = document.querySelector('#seg') as unknown as HTMLElement & { abort(): boolean; updateComplete: Promise<boolean> };
      const stop = async (e: Event) => {
        if ((e as CustomEvent).detail.phase !== 'segment') return;
        el.removeEventListener('mi-progress', stop);
        if (!viaButton) return void el.abort();
        await el.updateComplete;
        el.shadowRoot!.querySelector<HTMLButtonElement>('[part=cancel]')!.click();
      };
      el.addEventListener('mi-progress', stop);
      el.removeAttribute('src');
    }, how === 'button');
    await page.evaluate((src) => document.querySelector('#seg')!.setAttribute('src', src), fileUrl(T1));
    await waitFor('mi-error', errors + 1, 120_000);
    const last = await page.evaluate(() => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === 'mi-error').at(-1)!.detail);
    expect(last.code, how).toBe('ABORTED');
    expect(last.message, how).toMatch(how === 'button' ? /Cancel button/ : /abort\(\)/);
    expect(await count('mi-result'), how).toBe(results);
    const status = await page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=status]')!.textContent);
    expect(status, how).toMatch(/cancelled/);
  }
});

it('a dropped DICOM series is segmented on its own grid; without NiiVue the page says how to install it and still shows the table and Save; an app\'s own model and volume (properties) give the same labels', async () => {
  const dir = join(fixturesDir(), 'dicom', 'brain-series');
  const names = readdirSync(dir).filter((f) => f.endsWith('.dcm'));
  const series = await readDicomSeries(names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) })));
  await page.evaluate((model) => {
    const el = document.createElement('mi-segmenter');
    el.id = 'dcm';
    el.setAttribute('backend', 'wasm');
    el.setAttribute('grid', 'none');
    el.setAttribute('viewer-base-url', '/no-such-folder/');
    el.setAttribute('model', model);
    document.body.replaceChildren(el);
  }, fileUrl(MODEL));
  const results = await count('mi-result');
  await waitFor('mi-load', (await count('mi-load')) + 1);
  // The 20 slice files dropped at once, in reverse order (the reader sorts them along the slice normal).
  await page.evaluate(async (urls) => {
    const dt = new DataTransfer();
    for (const url of urls) dt.items.add(new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop()!));
    document.querySelector('#dcm')!.shadowRoot!.querySelector('[part=dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, names.map((n) => fileUrl(join(dir, n))).reverse());
  await waitFor('mi-result', results + 1, 120_000);
  const d = await page.evaluate(() => (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === 'mi-result').at(-1)!.detail);
  expect(d.kind).toBe('volume');
  expect(d.labels.shape).toEqual(series.shape);
  // The series' own space, as the reader places it (+ 0: the page's -0 arrives as 0).
  expect(d.labels.affine).toEqual(series.affine!.map((r) => r.map((v) => v + 0)));
  expect(d.volumes.reduce((n: number, v: { voxels: number }) => n + v.voxels, 0)).toBe(20 * 256 * 256);

  await page.waitForFunction(() => !!document.querySelector('#dcm')!.shadowRoot!.querySelector('[part=viewer-message]'), { timeout: 60_000 });
  const page3 = await page.evaluate(() => {
    const root = document.querySelector('#dcm')!.shadowRoot!;
    return {
      message: root.querySelector('[part=viewer-message]')!.textContent,
      rows: root.querySelectorAll('[part=volume-row]').length,
      save: !!root.querySelector('[part=save]'),
      canvas: !!root.querySelector('[part=viewer-canvas]'),
      bytes: (document.querySelector('#dcm') as unknown as { labelsNifti(): Uint8Array }).labelsNifti().length,
    };
  });
  expect(page3.message).toMatch(/npm install @niivue\/niivue/);
  expect(page3.rows).toBe(3);
  expect(page3.save).toBe(true);
  expect(page3.canvas).toBe(false);
  expect(page3.bytes).toBeGreaterThan(352);

  // As an app does it (the demo): its own loaded model and a volume it read, through properties.
  await page.evaluate(`(async () => {
    const api = await import('/src/index.ts');
    const files = await Promise.all(${JSON.stringify(names.map((n) => fileUrl(join(dir, n))))}.map(async (url) => new File([await (await fetch(url)).arrayBuffer()], url.split('/').pop())));
    window.appVolume = await api.loadImage(files);
    window.appModel = await api.loadModel(${JSON.stringify(fileUrl(MODEL))}, { backend: 'wasm', metadata: false });
  })()`);
  await page.evaluate(() => {
    const el = document.querySelector('#dcm') as unknown as { model: unknown; volume: unknown };
    const w = window as unknown as { appModel: unknown; appVolume: unknown };
    el.model = w.appModel;
    el.volume = w.appVolume;
  });
  await waitFor('mi-result', results + 2, 120_000);
  const same = await page.evaluate(() => {
    const all = (window as unknown as { seen: Seen[] }).seen.filter((e) => e.type === 'mi-result');
    const [a, b] = [all.at(-2)!.detail.labels.data as Float32Array, all.at(-1)!.detail.labels.data as Float32Array];
    return a.length === b.length && a.every((v, i) => v === b[i]);
  });
  expect(same, 'the page-loaded model on the volume property gives the dropped series\' labels').toBe(true);
});
