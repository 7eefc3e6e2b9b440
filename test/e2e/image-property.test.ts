/**
 * The `image` property with each kind of image a page may have: ImageBitmap, HTMLImageElement
 * (set while still loading), HTMLCanvasElement and VideoFrame, all made from one sample cell. Each
 * must be shown and give real Keras' probability for that cell.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { cellRefs, recordEvents, requireFixtures, sharedBrowser, newWindow, closeWindow, sigmoid, startDemo, waitForEvent, type DemoServer } from './demo.ts';

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  requireFixtures();
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await recordEvents(page);
  await page.goto(`${demo.origin}/`);
  await waitForEvent(page, 'mi-load', 1, 'cells');
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

it('accepts ImageBitmap, a loading <img>, a canvas and a VideoFrame, and classifies each like Keras', async () => {
  const sample: { url: string; path: string } = await page.$eval('#gallery button', (b) => ({
    url: (b as HTMLElement).dataset.url!,
    path: (b as HTMLElement).dataset.path!,
  }));
  const expected = sigmoid(cellRefs().get(sample.path)!.logit);
  const kinds = ['ImageBitmap', 'HTMLImageElement', 'HTMLCanvasElement', 'VideoFrame'] as const;
  let results = 0;
  for (const kind of kinds) {
    const shown = await page.evaluate(
      async (k, url) => {
        const blob = await (await fetch(url)).blob();
        const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
        let image: unknown = bitmap;
        if (k === 'HTMLImageElement') image = Object.assign(new Image(), { src: url }); // not loaded yet
        if (k === 'HTMLCanvasElement') {
          const c = Object.assign(document.createElement('canvas'), { width: bitmap.width, height: bitmap.height });
          c.getContext('2d')!.drawImage(bitmap, 0, 0);
          image = c;
        }
        if (k === 'VideoFrame') image = new VideoFrame(bitmap, { timestamp: 0 });
        const el = document.querySelector('#cells') as HTMLElement & { image: unknown };
        el.image = image;
        return { width: bitmap.width, height: bitmap.height };
      },
      kind,
      sample.url,
    );
    const e = await waitForEvent(page, 'mi-result', ++results, 'cells');
    const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
    expect(Math.abs(p - expected), kind).toBeLessThanOrEqual(1e-4);
    const preview = await page.evaluate(() => {
      const c = document.querySelector('#cells')!.shadowRoot!.querySelector<HTMLCanvasElement>('[part=image]')!;
      return { width: c.width, height: c.height, hidden: c.hidden };
    });
    expect(preview, kind).toEqual({ ...shown, hidden: false });
  }
});
