/**
 * The demo's brain page (demo/brain.html, `npm start` → /brain.html), as a visitor uses it: the page
 * offers the shared T1 and MeshNet, says how long the segmentation will take on this device before
 * it starts (estimateSegmentation times a probe), and "Segment" hands the loaded model and scan to
 * <mi-segmenter>, which shows the labels in three planes (NiiVue, found at the element's default
 * /node_modules/ place) with their names and volumes. The model is the 5-channel MeshNet, cropped to
 * the head, on the page's 2 mm preview grid (the 1 mm run takes minutes here), on the backend 'auto'
 * picks here (WebAssembly on SwiftShader). The events are recorded as small summaries: a 3-D result
 * carries the 256³ label volume, too big to copy out of the page.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { closeWindow, newWindow, REPO_ROOT, requireFixtures, sharedBrowser, shadowText, startDemo, type DemoServer } from './demo.ts';

let demo: DemoServer;
let browser: Browser;
let page: Page;

interface Outcome {
  type: 'mi-result' | 'mi-error';
  volumes?: { name: string; voxels: number }[];
  message?: string;
}

beforeAll(async () => {
  requireFixtures();
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { outcomes: Outcome[] };
    w.outcomes = [];
    document.addEventListener('mi-result', (e) => w.outcomes.push({ type: 'mi-result', volumes: (e as CustomEvent).detail.volumes }), true);
    document.addEventListener('mi-error', (e) => w.outcomes.push({ type: 'mi-error', message: (e as CustomEvent).detail.message }), true);
  });
  await page.goto(`${demo.origin}/brain.html`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

it('offers the shared T1 and says how long it will take before it starts', { timeout: 180_000 }, async () => {
  const options = await page.$$eval('#volume option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toContain('/volumes/t1_crop.nii.gz');
  await page.select('#grid', '128,2');
  await page.waitForFunction(() => /This will take about|Could not/.test(document.querySelector('#estimate')!.textContent ?? ''), { timeout: 170_000, polling: 200 });
  const text = await page.$eval('#estimate', (e) => e.textContent ?? '');
  expect(text).toMatch(/This will take about \d+(\.\d)? (s|min) here on WebAssembly .*\d+ tiles? of \d+×\d+×\d+ voxels/);
  expect(await page.$eval('#start', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
});

it('segments on "Segment": labels named, volumes in the page, three planes drawn', { timeout: 300_000 }, async () => {
  await page.click('#start');
  await page.waitForFunction(() => (window as unknown as { outcomes: Outcome[] }).outcomes.length > 0, { timeout: 290_000, polling: 200 });
  const [outcome] = await page.evaluate(() => (window as unknown as { outcomes: Outcome[] }).outcomes);
  expect(outcome.message).toBeUndefined();
  const volumes = outcome.volumes!;
  expect(volumes.map((v) => v.name)).toEqual(['background', 'white matter', 'grey matter']);
  // A brain's worth of each tissue (hundreds of cm³ each, on the T1's own 1 mm grid), not an empty or all-one answer.
  for (const v of volumes.slice(1)) expect(v.voxels).toBeGreaterThan(200_000);
  // The viewer is up when its slice scrollers are (they come with NiiVue's first drawing), or its message is.
  await page.waitForFunction(() => {
    const root = document.querySelector('#brain')!.shadowRoot!;
    return root.querySelectorAll('input[type=range]').length >= 4 || root.querySelector('[part~=viewer-message]');
  }, { timeout: 60_000 });
  mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  await (await page.$('section'))!.screenshot({ path: join(REPO_ROOT, 'test-artifacts', 'brain-demo.png') });
  const shown = await shadowText(page, '#brain');
  expect(shown).toMatch(/white matter/);
  expect(shown).toMatch(/grey matter/);
  const viewer = await page.evaluate(() => {
    const root = document.querySelector('#brain')!.shadowRoot!;
    const c = root.querySelector<HTMLCanvasElement>('canvas[part~=viewer-canvas]');
    return { width: c?.width ?? 0, message: root.querySelector('[part~=viewer-message]')?.textContent ?? '' };
  });
  expect(viewer.message).toBe(''); // the demo has NiiVue: no "install @niivue/niivue" in its place
  expect(viewer.width).toBeGreaterThan(100);
});
