/**
 * <mi-classifier>'s load, as a visitor sees it twice: the mi-progress stream (download → compile →
 * warmup, never backwards, ending at 1, the bytes adding up to the model's files) with its visible
 * progress bar, and a second visit that takes the model from the browser's cache without requesting
 * a model file. Also the no-cache and integrity attributes. The demo page, in a browser context of
 * its own (its Cache Storage starts empty).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { closeWindow, MODEL_DIR, newWindow, recordEvents, sharedBrowser, startDemo, waitForEvent, type DemoServer } from './demo.ts';

const MODEL_PATH = '/models/malaria-cnn/';
const shards: string[] = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')).weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
const MODEL_FILES = ['model.json', ...shards];
const MODEL_BYTES = MODEL_FILES.reduce((n, f) => n + statSync(join(MODEL_DIR, f)).size, 0);

/** One recorded mi-progress, with what the element showed once it had rendered it. */
interface Progress {
  target: string;
  phase: 'download' | 'compile' | 'warmup';
  fraction: number;
  loadedBytes?: number;
  totalBytes?: number;
  text: string;
  bar?: { width: number; height: number; valueNow: string | null; text: string };
}

let demo: DemoServer;
let browser: Browser;
let page: Page;
let requests: string[] = [];

/** Records every mi-progress (from before the page's scripts run) and the bar each one produced. */
async function recordProgress(p: Page): Promise<void> {
  await p.evaluateOnNewDocument(() => {
    const w = window as unknown as { miProgress: unknown[] };
    w.miProgress = [];
    document.addEventListener(
      'mi-progress',
      (e) => {
        const el = e.target as HTMLElement & { updateComplete: Promise<unknown> };
        const rec: Record<string, unknown> = { target: el.id, ...JSON.parse(JSON.stringify((e as CustomEvent).detail)) };
        w.miProgress.push(rec);
        void el.updateComplete.then(() => {
          const bar = el.shadowRoot?.querySelector('[part=progress]');
          const r = bar?.getBoundingClientRect();
          if (bar && r) rec.bar = { width: r.width, height: r.height, valueNow: bar.getAttribute('aria-valuenow'), text: bar.textContent?.trim() };
        });
      },
      true,
    );
  });
}

const progressOf = (target: string) =>
  page.evaluate((t) => (window as unknown as { miProgress: Progress[] }).miProgress.filter((e) => e.target === t), target);
const modelFileRequests = () => requests.filter((u) => MODEL_FILES.some((f) => new URL(u).pathname === MODEL_PATH + f));

beforeAll(async () => {
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.setViewport({ width: 1100, height: 900 });
  page.on('request', (r) => requests.push(r.url()));
  await recordEvents(page);
  await recordProgress(page);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** Checks one load's mi-progress stream; returns its download events. */
function expectOneStream(events: Progress[]): Progress[] {
  const order = { download: 0, compile: 1, warmup: 2 };
  expect(events.length).toBeGreaterThan(3);
  expect(events[0]).toMatchObject({ phase: 'download', fraction: 0 });
  for (let i = 1; i < events.length; i++) {
    expect(order[events[i].phase], `event ${i} phase`).toBeGreaterThanOrEqual(order[events[i - 1].phase]);
    expect(events[i].fraction, `event ${i} fraction`).toBeGreaterThanOrEqual(events[i - 1].fraction);
  }
  expect(new Set(events.map((e) => e.phase))).toEqual(new Set(['download', 'compile', 'warmup']));
  expect(events.at(-1)).toMatchObject({ phase: 'warmup', fraction: 1 });
  const downloads = events.filter((e) => e.phase === 'download' && e.loadedBytes !== undefined);
  expect(downloads.at(-1)).toMatchObject({ loadedBytes: MODEL_BYTES, totalBytes: MODEL_BYTES });
  return downloads;
}

describe('<mi-classifier> loading, first and second visit', () => {
  it('first visit: mi-progress goes download → compile → warmup, never backwards, to 1, over all the model bytes, shown in a visible bar', async () => {
    await page.goto(`${demo.origin}/`);
    await waitForEvent(page, 'mi-load', 1, 'cells', 240_000);
    const events = await progressOf('cells');
    expectOneStream(events);
    expect(modelFileRequests().map((u) => new URL(u).pathname).sort()).toEqual(MODEL_FILES.map((f) => MODEL_PATH + f).sort());
    // The bar is on screen while loading, saying the same as the event.
    const shown = events.filter((e) => e.bar && e.bar.width > 0 && e.bar.height > 0);
    expect(shown.length).toBeGreaterThan(0);
    for (const e of shown) {
      expect(e.bar!.valueNow).toBe(String(Math.round(e.fraction * 100)));
      expect(e.bar!.text).toBe(e.text);
    }
    expect(shown.some((e) => e.phase === 'download' && /Downloading model: [\d.]+ MB of [\d.]+ MB/.test(e.text))).toBe(true);
  });

  it('second visit: the model comes from the cache with no request for any model file, and the stream is the same shape', async () => {
    requests = [];
    await page.reload();
    await waitForEvent(page, 'mi-load', 1, 'cells', 240_000);
    expect(modelFileRequests()).toEqual([]);
    expect(requests.some((u) => new URL(u).pathname === `${MODEL_PATH}integrity.json`)).toBe(true);
    expectOneStream(await progressOf('cells'));
  });

  it('no-cache: the element downloads the files and stores nothing', async () => {
    await page.evaluate(() => caches.delete('medimg-webgpu-models-v1'));
    requests = [];
    await page.evaluate(() => {
      const el = document.createElement('mi-classifier');
      el.id = 'uncached';
      el.setAttribute('no-cache', '');
      el.setAttribute('model', '/models/malaria-cnn/model.json');
      document.body.append(el);
    });
    await waitForEvent(page, 'mi-load', 1, 'uncached', 240_000);
    expect(modelFileRequests().length).toBe(MODEL_FILES.length);
    expect(await page.evaluate(() => caches.has('medimg-webgpu-models-v1'))).toBe(false);
  });

  it('integrity: a model file that does not match the attribute fails to load with MODEL_FETCH', async () => {
    await page.evaluate(() => {
      const el = document.createElement('mi-classifier');
      el.id = 'mismatch';
      el.setAttribute('integrity', 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
      el.setAttribute('model', '/models/malaria-cnn/model.json');
      document.body.append(el);
    });
    const e = await waitForEvent(page, 'mi-error', 1, 'mismatch', 120_000);
    expect(e.detail.code).toBe('MODEL_FETCH');
    expect(e.detail.message).toMatch(/model\.json.*failed its integrity check.*sha256-47DEQpj8HBSa/);
  });
});
