/**
 * DICOM and Grad-CAM in the demo's <mi-classifier>, in headless Chromium with WebGPU:
 * - a sample cell as a DICOM file (demo/dicom-sample.ts wraps the fixture PNG) is classified exactly as
 *   the same pixels given as a .npy (decoded here in Node from the PNG, read in the page and fed to
 *   model.predictImage through the public API), and as real Keras classified the PNG;
 * - the heatmap toggle draws model.explain's map over the image, says in words where it is hot, and
 *   the map is the API's for the same input;
 * - a DICOM series chosen as several files, and a NIfTI volume, are read as volumes and their middle
 *   slice classified;
 * - screenshot: test-artifacts/mi-classifier-dicom-heatmap.png.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { toNpy } from '../../src/formats/npy.ts';
import { cellRefs, closeWindow, fixturesDir, newWindow, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, sigmoid, startDemo, waitForEvent, type DemoServer } from './demo.ts';

const API_MODULE = `/@fs${REPO_ROOT}src/index.ts`;
const NPY_MODULE = `/@fs${REPO_ROOT}src/formats/npy.ts`;

let demo: DemoServer;
let browser: Browser;
let page: Page;
let results = 0;

beforeAll(async () => {
  requireFixtures();
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.setViewport({ width: 1100, height: 900 });
  await recordEvents(page);
  await page.goto(`${demo.origin}/`);
  await waitForEvent(page, 'mi-load', 1, 'cells');
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** The first DICOM entry of the gallery and the fixture PNG it wraps. */
async function dicomSample(): Promise<{ url: string; path: string }> {
  const all: { url: string; path: string; format?: string }[] = await page.$$eval('#gallery button', (bs) =>
    bs.map((b) => ({ url: (b as HTMLElement).dataset.url!, path: (b as HTMLElement).dataset.path!, format: (b as HTMLElement).dataset.format })),
  );
  const dicom = all.find((s) => s.format === 'dicom');
  if (!dicom) throw new Error(`the gallery offers no DICOM sample: ${JSON.stringify(all)}`);
  return dicom;
}

it('classifies a cell given as DICOM exactly as the same pixels given as a .npy, and as Keras', async () => {
  const sample = await dicomSample();
  expect(sample.url).toMatch(/\.png\.dcm$/);
  await page.click(`#gallery button[data-url="${sample.url}"]`);
  const fromDicom = await waitForEvent(page, 'mi-result', ++results, 'cells');

  // The same pixels as a .npy (decoded in Node from the PNG the DICOM wraps), read in the page and
  // classified through the public API.
  const png = decode(readFileSync(join(fixturesDir(), sample.path)));
  const dir = join(REPO_ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const npy = join(dir, 'dicom-sample-cell.npy');
  writeFileSync(npy, toNpy({ data: Float32Array.from(png.data as Uint8Array), shape: [png.height, png.width, png.channels] }));
  const fromArray = (await page.evaluate(
    `(async () => {
      const { loadModel } = await import(${JSON.stringify(API_MODULE)});
      const { parseNpy } = await import(${JSON.stringify(NPY_MODULE)});
      const t = parseNpy(await (await fetch(${JSON.stringify(`/@fs${npy}`)})).arrayBuffer());
      const model = await loadModel('/models/malaria-cnn/model.json', { backend: 'webgpu', autotune: false });
      const out = await model.predictImage({ height: t.shape[0], width: t.shape[1], channels: t.shape[2], data: t.data });
      await model.dispose();
      return Array.from(out.data);
    })()`,
  )) as number[];
  expect(fromDicom.detail.outputs).toHaveLength(fromArray.length);
  fromDicom.detail.outputs.forEach((v: number, i: number) => expect(Math.abs(v - fromArray[i])).toBeLessThanOrEqual(1e-6));
  const ref = cellRefs().get(sample.path)!;
  expect(Math.abs(fromDicom.detail.outputs[0] - sigmoid(ref.logit))).toBeLessThan(1e-4);

  const label = await page.$eval('#cells', (el) => el.shadowRoot!.querySelector('[part=image]')!.getAttribute('aria-label'));
  expect(label).toMatch(/\(DICOM\)$/);
});

it('shows a Grad-CAM heatmap over the image when toggled, described in words, equal to model.explain', async () => {
  await page.waitForFunction(() => document.querySelector('#cells')!.shadowRoot!.querySelector('[part=heatmap-toggle]'));
  const pressed = await page.$eval('#cells', (el) => el.shadowRoot!.querySelector('[part=heatmap-toggle]')!.getAttribute('aria-pressed'));
  expect(pressed).toBe('false');
  await page.$eval('#cells', (el) => (el.shadowRoot!.querySelector('[part=heatmap-toggle]') as HTMLElement).click());
  const e = await waitForEvent(page, 'mi-explain' as never, 1, 'cells');
  const { map, shape, description, layer, classIndex } = e.detail as { map: number[]; shape: [number, number]; description: string; layer: string; classIndex: number };
  expect(map).toHaveLength(shape[0] * shape[1]);
  expect(Math.max(...map)).toBeCloseTo(1, 6);
  expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
  expect(description.length).toBeGreaterThan(10);

  const view = await page.$eval('#cells', (el) => {
    const root = el.shadowRoot!;
    const overlay = root.querySelector<HTMLCanvasElement>('[part=heatmap]')!;
    const image = root.querySelector<HTMLCanvasElement>('[part=image]')!;
    const o = overlay.getBoundingClientRect();
    const i = image.getBoundingClientRect();
    return {
      hidden: overlay.hidden,
      label: overlay.getAttribute('aria-label'),
      sameBox: Math.abs(o.width - i.width) < 1 && Math.abs(o.height - i.height) < 1 && Math.abs(o.left - i.left) < 1,
      caption: root.querySelector('[part=heatmap-caption]')?.textContent ?? '',
      pressed: root.querySelector('[part=heatmap-toggle]')!.getAttribute('aria-pressed'),
    };
  });
  expect(view).toMatchObject({ hidden: false, sameBox: true, pressed: 'true' });
  expect(view.label).toContain(description);
  expect(view.caption).toContain(layer);

  // The element's map is the API's for the same image (the DICOM's pixels, preprocessed as predictImage does).
  const sample = await dicomSample();
  const api = (await page.evaluate(
    `(async () => {
      const { loadModel, loadImage } = await import(${JSON.stringify(API_MODULE)});
      const model = await loadModel('/models/malaria-cnn/model.json', { backend: 'webgpu', autotune: false });
      const image = await loadImage(${JSON.stringify(sample.url)});
      const x = await model.preprocess(image);
      const e = await model.explain(x);
      await model.dispose();
      return { maps: Array.from(e.maps.data), classIndex: e.classIndex, layer: e.layer };
    })()`,
  )) as { maps: number[]; classIndex: number[]; layer: string };
  expect(api.layer).toBe(layer);
  expect(api.classIndex[0]).toBe(classIndex);
  map.forEach((v, i) => expect(Math.abs(v - api.maps[i])).toBeLessThan(1e-5));

  const dir = join(REPO_ROOT, 'test-artifacts');
  await (await page.$('section'))!.screenshot({ path: join(dir, 'mi-classifier-dicom-heatmap.png') });

  // Switched off, the overlay hides; the caption goes with it.
  await page.$eval('#cells', (el) => (el.shadowRoot!.querySelector('[part=heatmap-toggle]') as HTMLElement).click());
  await page.waitForFunction(() => document.querySelector('#cells')!.shadowRoot!.querySelector<HTMLCanvasElement>('[part=heatmap]')!.hidden);
});

it('reads the files of a DICOM series chosen together as one volume and classifies its middle slice', async () => {
  const dir = join(fixturesDir(), 'dicom', 'brain-series');
  const files = readdirSync(dir).filter((f) => f.endsWith('.dcm')).map((f) => join(dir, f));
  expect(files).toHaveLength(20);
  await page.bringToFront();
  const [chooser] = await Promise.all([
    page.waitForFileChooser({ timeout: 30_000 }),
    page.$eval('#cells', (el) => (el as unknown as { openFilePicker(): void }).openFilePicker()),
  ]);
  expect(chooser.isMultiple()).toBe(true);
  await chooser.accept(files);
  const e = await waitForEvent(page, 'mi-result', ++results, 'cells');
  expect(e.detail.outputs.every((v: number) => Number.isFinite(v))).toBe(true);
  const label = await page.$eval('#cells', (el) => el.shadowRoot!.querySelector('[part=image]')!.getAttribute('aria-label'));
  expect(label).toMatch(/20 DICOM files \(DICOM, slice 11 of 20\)/);
});

it('reads a chosen NIfTI volume and classifies its middle slice', async () => {
  await page.bringToFront();
  const [chooser] = await Promise.all([
    page.waitForFileChooser({ timeout: 30_000 }),
    page.$eval('#cells', (el) => (el as unknown as { openFilePicker(): void }).openFilePicker()),
  ]);
  await chooser.accept([join(fixturesDir(), 'volumes', 't1_crop.nii.gz')]);
  const e = await waitForEvent(page, 'mi-result', ++results, 'cells');
  expect(e.detail.outputs.every((v: number) => Number.isFinite(v))).toBe(true);
  const label = await page.$eval('#cells', (el) => el.shadowRoot!.querySelector('[part=image]')!.getAttribute('aria-label'));
  expect(label).toBe('Image to classify: t1_crop.nii.gz (NIfTI, slice 129 of 256)');
});
