/**
 * `<mi-segmenter>` as a page author writes it: a `.keras` model and a PNG by URL, with a
 * metadata.json naming and colouring the classes. The model is a small 3-class softmax U-Net
 * (test/fixtures/segmenter, scripts/keras_refs/segmenter_2d.py), the reference real Keras on
 * decode_png(image.png) / 255. Checks:
 * - the mask equals Keras' argmax (a pixel may differ only where Keras' top two are within 1e-3);
 * - names and colours come from the metadata; the overlay paints each shown class in its colour;
 * - the same PNG dropped on the drop zone gives the same mask;
 * - a dropped NIfTI volume is segmented on its middle slice, windowed as the engine's
 *   toModelImage windows it (the same mask as those pixels given through `image`);
 * - `labels` renames the classes without running the model again;
 * - a model whose output is not a 2-D map (the demo's classifier) fails with a visible message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { parseNpy } from '../../src/formats/npy.ts';
import { writeNifti } from '../../src/formats/nifti/write.ts';
import { closeWindow, events, MODEL_DIR, newWindow, recordEvents, REPO_ROOT, sharedBrowser, startDemo, waitForEvent, type DemoServer } from './demo.ts';

const DIR = join(REPO_ROOT, 'test', 'fixtures', 'segmenter');
const SIZE = 64;
const COLORS = ['#000000', '#1f77b4', '#ff7f0e'];

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await recordEvents(page);
  await page.goto(`${demo.origin}/@fs${DIR}/metadata.json`);
  await page.evaluate(`import(${JSON.stringify(`/@fs${REPO_ROOT}src/element/index.ts`)})`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** The overlay's RGBA at each pixel, and the legend's text and state. */
async function shown(): Promise<{ rgba: number[]; legend: { text: string; pressed: string }[]; image: number[] }> {
  return page.evaluate(() => {
    const root = document.querySelector('#seg')!.shadowRoot!;
    const mask = root.querySelector<HTMLCanvasElement>('[part=mask]')!;
    const image = root.querySelector<HTMLCanvasElement>('[part=image]')!;
    const legend = [...root.querySelectorAll('[part=legend-item]')].map((b) => ({
      text: (b.textContent ?? '').replace(/\s+/g, ' ').trim(),
      pressed: b.getAttribute('aria-pressed') ?? '',
    }));
    return { rgba: Array.from(mask.getContext('2d')!.getImageData(0, 0, mask.width, mask.height).data), legend, image: [image.width, image.height] };
  });
}

it('segments a PNG with a .keras U-Net by URL as Keras does, classes named and coloured by its metadata', async () => {
  const keras = parseNpy(readFileSync(join(DIR, 'output.npy')), 'output.npy');
  expect(keras.shape).toEqual([1, SIZE, SIZE, 3]);
  await page.evaluate((dir) => {
    const el = document.createElement('mi-segmenter');
    el.id = 'seg';
    el.setAttribute('no-cache', '');
    el.setAttribute('metadata', `${dir}/metadata.json`);
    el.setAttribute('model', `${dir}/unet3.keras`);
    el.setAttribute('src', `${dir}/image.png`);
    document.body.replaceChildren(el);
  }, `/@fs${DIR}`);
  await waitForEvent(page, 'mi-load', 1, 'seg', 120_000);
  const result = (await waitForEvent(page, 'mi-result', 1, 'seg', 120_000)).detail as {
    classes: { index: number; name: string; colour: string; pixels: number }[];
    mask: number[];
    shape: number[];
  };
  expect(result.shape).toEqual([SIZE, SIZE]);
  let differ = 0;
  let close = 0;
  const counts = [0, 0, 0];
  for (let p = 0; p < SIZE * SIZE; p++) {
    const s = Array.from(keras.data.subarray(p * 3, p * 3 + 3));
    const best = s.indexOf(Math.max(...s));
    const sorted = [...s].sort((a, b) => b - a);
    counts[result.mask[p]]++;
    if (sorted[0] - sorted[1] <= 1e-3) close++;
    else if (result.mask[p] !== best) differ++;
  }
  console.log(`mi-segmenter by URL: ${close} pixels with Keras' top two within 1e-3; areas ${counts.join(' / ')}`);
  expect(differ, 'pixels whose class differs from Keras').toBe(0);
  expect(counts.every((c) => c > 0), 'all three classes appear').toBe(true);
  expect(result.classes).toEqual(
    ['background', 'tissue', 'lesion'].map((name, index) => ({ index, name, colour: COLORS[index], pixels: counts[index], fraction: counts[index] / (SIZE * SIZE) })),
  );

  // Each shown class painted in its metadata colour; background (hidden) transparent.
  const view = await shown();
  expect(view.image).toEqual([SIZE, SIZE]);
  expect(view.legend.map((l) => l.pressed)).toEqual(['false', 'true', 'true']);
  const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  let wrongPaint = 0;
  for (let p = 0; p < SIZE * SIZE; p++) {
    const [r, g, b, a] = view.rgba.slice(p * 4, p * 4 + 4);
    const c = result.mask[p];
    if (c === 0 ? a !== 0 : a !== 255 || hex(r, g, b) !== COLORS[c]) wrongPaint++;
  }
  expect(wrongPaint).toBe(0);

  // The same PNG dropped on the drop zone (the file path of the intake) gives the same mask.
  await page.evaluate(async (url) => {
    const bytes = await (await fetch(url)).arrayBuffer();
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
    const zone = document.querySelector('#seg')!.shadowRoot!.querySelector('[part=dropzone]')!;
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, `/@fs${DIR}/image.png`);
  const dropped = (await waitForEvent(page, 'mi-result', 2, 'seg', 120_000)).detail as { mask: number[] };
  expect(dropped.mask).toEqual(result.mask);

  // Renaming through the labels attribute: the legend follows, the model does not run again.
  await page.evaluate(() => document.querySelector('#seg')!.setAttribute('labels', 'air, soft tissue, spot'));
  await page.waitForFunction(() => document.querySelector('#seg')!.shadowRoot!.textContent!.includes('soft tissue'));
  expect((await shown()).legend.map((l) => l.text.replace(/ [\d.]+ %$/, ''))).toEqual(['air', 'soft tissue', 'spot']);
  expect((await events(page)).filter((e) => e.type === 'mi-result' && e.target === 'seg')).toHaveLength(2);
});

it('segments the middle slice of a dropped NIfTI volume, as the same windowed pixels given as an image', async () => {
  // 64×64×3 uint8 volume: three distinct slices, so the middle one (k = 1) is the one that must be used.
  const data = new Float32Array(SIZE * SIZE * 3);
  for (let k = 0; k < 3; k++) {
    for (let j = 0; j < SIZE; j++) {
      for (let i = 0; i < SIZE; i++) data[i + SIZE * (j + SIZE * k)] = (i * 3 + j * (k + 1) * 2 + ((i - 30) ** 2 + (j - 25) ** 2 < 150 ? 90 : 0)) % 256;
    }
  }
  const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
  const nifti = writeNifti(data, [SIZE, SIZE, 3], eye, { datatype: 'uint8', name: 'slices.nii' });
  const before = (await events(page)).filter((e) => e.type === 'mi-result' && e.target === 'seg').length;
  const modules = ['src/index.ts', 'src/runtime/medical-input.ts'].map((p) => `/@fs${REPO_ROOT}${p}`);
  // The engine's own reading of the file, for comparison (a string: dynamic imports run in the page).
  await page.evaluate((b64) => {
    (window as unknown as { nii: Uint8Array }).nii = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }, Buffer.from(nifti).toString('base64'));
  await page.evaluate(`(async () => {
    const [api, medical] = await Promise.all(${JSON.stringify(modules)}.map((m) => import(m)));
    const image = await api.loadImage(window.nii, { name: 'slices.nii' });
    window.slice = medical.toModelImage(image, { window: 'from-file', range: [0, 255], frame: 1 });
  })()`);
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([(window as unknown as { nii: Uint8Array<ArrayBuffer> }).nii], 'slices.nii'));
    const zone = document.querySelector('#seg')!.shadowRoot!.querySelector('[part=dropzone]')!;
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const fromFile = (await waitForEvent(page, 'mi-result', before + 1, 'seg', 120_000)).detail as { mask: number[]; shape: number[] };
  expect(fromFile.shape).toEqual([SIZE, SIZE]);
  const caption = await page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=image]')!.getAttribute('aria-label'));
  expect(caption).toBe('Image to segment: slices.nii (NIfTI, slice 2 of 3)');
  await page.evaluate(() => {
    const el = document.querySelector('#seg') as unknown as { image: unknown };
    el.image = (window as unknown as { slice: unknown }).slice;
  });
  const fromPixels = (await waitForEvent(page, 'mi-result', before + 2, 'seg', 120_000)).detail as { mask: number[]; classes: { pixels: number }[] };
  expect(fromFile.mask).toEqual(fromPixels.mask);
  expect(fromPixels.classes.filter((c) => c.pixels > 0).length, 'more than one class in the slice').toBeGreaterThan(1);
});

it('says clearly when the model is not a segmenter (a classifier: output [1, 1])', async () => {
  const modelUrl = `/@fs${join(MODEL_DIR, 'model.json')}`;
  await page.evaluate((url) => {
    const el = document.querySelector('#seg')!;
    el.removeAttribute('metadata'); // the classifier's own metadata.json, found beside it
    el.setAttribute('model', url);
  }, modelUrl);
  const error = await waitForEvent(page, 'mi-error', 1, 'seg', 120_000);
  expect(error.detail.code).toBe('MODEL_OUTPUT');
  expect(error.detail.message).toMatch(/output has shape \[1, 1\].*\[1, height, width, classes\]/);
  const text = await page.evaluate(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[part=error]')?.textContent ?? '');
  expect(text).toContain('The image could not be segmented');
  expect(text).toContain('[1, 1]');
});
