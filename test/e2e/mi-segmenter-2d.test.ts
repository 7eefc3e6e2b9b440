/**
 * `<mi-segmenter>` with a 2-D model: the conformance zoo's U-Net (test/fixtures/zoo/unet, one
 * sigmoid unit per pixel), rebuilt in the page from its architecture and seeded weights and given to
 * the element as a loaded model, segments the zoo's committed Keras input (float pixels through the
 * `image` property). Checks:
 * - the element's mask equals real Keras' output_b1.npy thresholded at 0.5 (a pixel may differ only
 *   where Keras' probability is within the zoo's tolerance of 0.5);
 * - the legend has one toggle per class with the labels' names; background starts hidden; the mask
 *   canvas paints exactly the shown class's pixels and its accessible name gives the areas;
 * - a toggle (click, then Enter) hides and shows the class; the areas in mi-result add up;
 * - screenshot: test-artifacts/mi-segmenter-2d.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, ElementHandle, Page } from 'puppeteer';
import { parseNpy } from '../../src/formats/npy.ts';
import { closeWindow, newWindow, recordEvents, REPO_ROOT, sharedBrowser, startDemo, waitForEvent, type DemoServer } from './demo.ts';

const UNET_DIR = join(REPO_ROOT, 'test', 'fixtures', 'zoo', 'unet');
const SIZE = 128;

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.setViewport({ width: 700, height: 800 });
  await recordEvents(page);
  // Any same-origin document will do: the page is built below, without the demo's own elements.
  await page.goto(`${demo.origin}/@fs${UNET_DIR}/meta.json`);
});

afterAll(async () => {
  await page?.evaluate('window.__unet?.dispose()').catch(() => {});
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** The shown mask's painted pixels (alpha > 0), its accessible name and opacity, and the legend's state. */
async function maskState(): Promise<{ painted: number; label: string; opacity: string; legend: { text: string; pressed: string }[] }> {
  return page.evaluate(() => {
    const root = document.querySelector('#seg')!.shadowRoot!;
    const canvas = root.querySelector<HTMLCanvasElement>('[part=mask]')!;
    const rgba = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < rgba.length; i += 4) if (rgba[i] > 0) painted++;
    const legend = [...root.querySelectorAll('[part=legend-item]')].map((b) => ({
      text: (b.textContent ?? '').replace(/\s+/g, ' ').trim(),
      pressed: b.getAttribute('aria-pressed') ?? '',
    }));
    return { painted, label: canvas.getAttribute('aria-label') ?? '', opacity: canvas.style.opacity, legend };
  });
}

async function legendButton(index: number): Promise<ElementHandle<Element>> {
  const handle = await page.evaluateHandle((i) => document.querySelector('#seg')!.shadowRoot!.querySelector(`[part=legend-item][data-class="${i}"]`), index);
  return handle as ElementHandle<Element>;
}

it("segments the zoo U-Net's Keras input as Keras does, with a legend whose toggles hide a class", async () => {
  const keras = parseNpy(readFileSync(join(UNET_DIR, 'output_b1.npy')), 'output_b1.npy');
  expect(keras.shape).toEqual([1, SIZE, SIZE, 1]);
  const modules = ['src/index.ts', 'src/element/index.ts', 'test/browser/zoo.ts', 'src/formats/npy.ts'].map((p) => `/@fs${REPO_ROOT}${p}`);
  await page.evaluate(`(async () => {
    const [api, , zoo, npy] = await Promise.all(${JSON.stringify(modules)}.map((m) => import(m)));
    const dir = ${JSON.stringify(`/@fs${UNET_DIR}`)};
    const model = await api.modelFromKeras(await zoo.zooKerasModel(dir), { backend: 'webgpu' });
    window.__unet = model;
    const input = npy.parseNpy(await (await fetch(dir + '/input.npy')).arrayBuffer(), 'input.npy');
    const n = ${SIZE * SIZE};
    document.body.replaceChildren();
    const section = document.createElement('section');
    const el = document.createElement('mi-segmenter');
    el.id = 'seg';
    el.setAttribute('scale', '1'); // the zoo's input is already the model's float input
    el.setAttribute('labels', 'background, lesion');
    section.append(el);
    document.body.append(section);
    el.model = model;
    el.image = { width: ${SIZE}, height: ${SIZE}, channels: 1, data: input.data.slice(0, n) };
  })()`);
  await waitForEvent(page, 'mi-load', 1, 'seg', 120_000);
  const result = (await waitForEvent(page, 'mi-result', 1, 'seg', 120_000)).detail as {
    classes: { index: number; name: string; colour: string; pixels: number; fraction: number }[];
    mask: number[];
    shape: number[];
    ms: number;
  };

  // The mask against Keras' probabilities: equal except where Keras is within tolerance of 0.5.
  expect(result.shape).toEqual([SIZE, SIZE]);
  expect(result.mask.length).toBe(SIZE * SIZE);
  const tolerance = 1e-4 + 1e-3 * 0.5; // the zoo's |error| ≤ 1e-4 + 1e-3·|expected|
  let differ = 0;
  let undecided = 0;
  let undecidedDiffer = 0;
  for (let p = 0; p < SIZE * SIZE; p++) {
    const q = keras.data[p];
    const same = result.mask[p] === (q > 0.5 ? 1 : 0);
    if (Math.abs(q - 0.5) <= tolerance) {
      undecided++;
      if (!same) undecidedDiffer++;
    } else if (!same) differ++;
  }
  console.log(
    `mi-segmenter 2-D U-Net: ${result.ms.toFixed(0)} ms; ${undecided} pixels within ${tolerance.toPrecision(2)} of 0.5 ` +
      `(seeded weights: Keras' probabilities lie in 0.34..0.64), ${undecidedDiffer} of them on the other side`,
  );
  expect(differ, 'pixels whose class differs from Keras (away from 0.5)').toBe(0);
  expect(undecided, 'pixels too close to 0.5 to compare').toBeLessThan(SIZE * SIZE * 0.02);

  // Areas: every pixel counted once, and the counts are the mask's.
  const lesion = result.mask.filter((c) => c === 1).length;
  expect(result.classes.map((c) => [c.index, c.name, c.pixels])).toEqual([
    [0, 'background', SIZE * SIZE - lesion],
    [1, 'lesion', lesion],
  ]);
  expect(lesion).toBeGreaterThan(0);
  expect(result.classes.reduce((s, c) => s + c.fraction, 0)).toBeCloseTo(1, 9);
  expect(result.classes.every((c) => /^#[0-9a-f]{6}$/i.test(c.colour))).toBe(true);

  // Legend and overlay: background hidden by default, lesion painted on exactly its pixels.
  const before = await maskState();
  expect(before.legend.map((l) => l.pressed)).toEqual(['false', 'true']);
  expect(before.legend[1].text).toContain('lesion');
  expect(before.painted).toBe(lesion);
  expect(before.label).toMatch(/^Segmentation mask: .*lesion \d+\.\d %/);
  expect(before.opacity).toBe('0.5');
  await page.evaluate(() => {
    (document.querySelector('#seg') as unknown as { opacity: number }).opacity = 0.6;
  });
  mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  await (await page.$('section'))!.screenshot({ path: join(REPO_ROOT, 'test-artifacts', 'mi-segmenter-2d.png') });
  expect((await maskState()).opacity).toBe('0.6');

  // A click hides the class; Enter on the focused button shows it again (a real button).
  await (await legendButton(1)).click();
  const hidden = await maskState();
  expect(hidden.legend[1].pressed).toBe('false');
  expect(hidden.painted).toBe(0);
  expect(hidden.label).toContain('lesion');
  expect(hidden.label).toMatch(/lesion [\d.]+ % \(hidden\)/);
  await (await legendButton(1)).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#seg')!.shadowRoot!.querySelector('[data-class="1"]')!.getAttribute('aria-pressed') === 'true');
  expect((await maskState()).painted).toBe(lesion);
});
