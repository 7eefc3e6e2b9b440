/**
 * <mi-classifier> survives its page: removed while its model loads (during the download, and once
 * the model exists and is warming up), removed while it classifies, re-attached, and given another
 * model while it classifies. In the demo page in headless Chromium with WebGPU. Each case must end
 * with no uncaught error (window `error`/`unhandledrejection`, puppeteer's `pageerror`), no
 * `mi-error` for the superseded work, no result of the old model shown for the new one, and the
 * element's GPU memory freed: the engine's own count of live GPU buffers (src/gpu/memory.ts, read
 * from the very module instance the element uses) goes back to what it was without the element.
 *
 * "In flight" is made certain rather than timed: Model.prototype.predictImage is wrapped so the
 * page knows when a classification has started, and the element is removed (or its model changed)
 * from inside the `mi-progress` listener of the phase wanted.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { closeWindow, events, MODEL_DIR, newWindow, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, startDemo, waitForEvent, type DemoServer } from './demo.ts';

let demo: DemoServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let samples: string[] = [];

/** The engine modules as the element's own imports load them (Vite serves sources outside demo/ under /@fs/). */
const MEMORY_MODULE = `/@fs${REPO_ROOT}src/gpu/memory.ts`;
const MODEL_MODULE = `/@fs${REPO_ROOT}src/model.ts`;

interface PageState {
  miUncaught: string[];
  /** Classifications started so far (Model.prototype.predictImage calls). */
  miStarted: number;
  miLiveBuffers(): number;
}

beforeAll(async () => {
  requireFixtures();
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await recordEvents(page);
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as PageState;
    w.miUncaught = [];
    window.addEventListener('error', (e) => w.miUncaught.push(`error: ${e.message}`));
    window.addEventListener('unhandledrejection', (e) => w.miUncaught.push(`unhandledrejection: ${String(e.reason)}`));
  });
  await page.goto(`${demo.origin}/`);
  // The demo's own element loads the model: let it finish, so the counts below are steady.
  await waitForEvent(page, 'mi-load', 1, 'cells');
  samples = await page.evaluate(async () => ((await (await fetch('/samples.json')).json()) as { url: string }[]).map((s) => s.url));
  // Classifications announce that they started (see the file comment), and the buffer count is at
  // hand. A string, not a function: vitest would rewrite a function's import() for Node.
  await page.evaluate(`(async () => {
    const { Model } = await import(${JSON.stringify(MODEL_MODULE)});
    const { gpuMemoryStats } = await import(${JSON.stringify(MEMORY_MODULE)});
    window.miLiveBuffers = () => gpuMemoryStats().liveBuffers;
    window.miStarted = 0;
    const original = Model.prototype.predictImage;
    Model.prototype.predictImage = function (...args) {
      const running = original.apply(this, args);
      window.miStarted++;
      return running;
    };
  })()`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** Live GPU buffers of the whole page, from the element's engine instance. */
function liveBuffers(): Promise<number> {
  return page.evaluate(() => (window as unknown as PageState).miLiveBuffers());
}

/** Waits until the page holds exactly `count` live GPU buffers (the freeing is asynchronous). */
async function waitForBuffers(count: number): Promise<void> {
  try {
    await page.waitForFunction((n) => (window as unknown as PageState).miLiveBuffers() === n, { timeout: 120_000, polling: 100 }, count);
  } catch (err) {
    throw new Error(`live GPU buffers stayed at ${await liveBuffers()}, expected ${count}`, { cause: err });
  }
}

/** Events recorded for element `id` (as recordEvents saw them), in order. */
async function eventsOf(id: string): Promise<string[]> {
  return (await events(page)).filter((e) => e.target === id).map((e) => e.type);
}

/** Adds an element with this model; returns when it is in the page. */
function addElement(id: string, model: string, extra: Record<string, string> = {}): Promise<void> {
  return page.evaluate(
    (i, m, a) => {
      const el = document.createElement('mi-classifier');
      el.id = i;
      for (const [k, v] of Object.entries({ model: m, ...a })) el.setAttribute(k, v);
      document.body.append(el);
    },
    id,
    model,
    extra,
  );
}

const MODEL = '/models/malaria-cnn/model.json';
/** The bytes of the model's files (model.json and its shard). */
const MODEL_BYTES = ['model.json', 'group1-shard1of1.bin'].reduce((n, f) => n + statSync(join(MODEL_DIR, f)).size, 0);

describe('<mi-classifier> lifecycle', () => {
  /** Live buffers before the test's element was added (the other elements' share). */
  let baseline = 0;

  it('the demo element, once loaded, holds GPU buffers; removed, it frees every one', async () => {
    // Counted by the module instance the element uses: a different instance would read 0 here.
    expect(await liveBuffers()).toBeGreaterThan(0);
    await page.evaluate(() => document.querySelector('#cells')!.remove());
    await waitForBuffers(0);
    expect(await eventsOf('cells')).toEqual(['mi-load']);
  });

  it.each(['download', 'warmup'] as const)('removed mid-load (during %s): no mi-load, no mi-error, nothing left on the GPU', async (phase) => {
    const id = `midload-${phase}`;
    baseline = await liveBuffers();
    const removedIn = await page.evaluate(
      (i, m, p, total) =>
        new Promise<string>((resolve) => {
          const el = document.createElement('mi-classifier');
          el.id = i;
          el.setAttribute('model', m);
          el.setAttribute('no-cache', ''); // a real download every time
          el.addEventListener('mi-progress', (e) => {
            const d = (e as CustomEvent<{ phase: string; fraction: number; loadedBytes?: number }>).detail;
            // Download: some of the model's files have arrived, not all. Warm-up: the model exists on the GPU.
            const inside = p === 'download' ? (d.loadedBytes ?? 0) > 0 && d.loadedBytes! < total : d.fraction < 1;
            if (d.phase === p && inside && el.isConnected) {
              el.remove();
              resolve(`${d.phase}`);
            }
          });
          el.addEventListener('mi-load', () => resolve('loaded before it could be removed'));
          document.body.append(el);
        }),
      id,
      MODEL,
      phase,
      MODEL_BYTES,
    );
    expect(removedIn).toBe(phase);
    await waitForBuffers(baseline);
    expect(await eventsOf(id)).toEqual([]);
  });

  it('removed mid-inference: no result, no mi-error, GPU freed; re-attached, it loads again and classifies as before', async () => {
    baseline = await liveBuffers();
    await addElement('reattach', MODEL);
    await waitForEvent(page, 'mi-load', 1, 'reattach');
    await page.evaluate((src) => document.querySelector('#reattach')!.setAttribute('src', src), samples[0]);
    const first = await waitForEvent(page, 'mi-result', 1, 'reattach');
    expect(await liveBuffers()).toBeGreaterThan(baseline);

    // Classify another image and remove the element while that classification runs.
    await page.evaluate(async (src) => {
      const w = window as unknown as PageState & { miDetached?: Element };
      const el = document.querySelector('#reattach')!;
      const before = w.miStarted;
      el.setAttribute('src', src);
      while (w.miStarted === before) await new Promise((r) => setTimeout(r, 0));
      el.remove();
      w.miDetached = el;
    }, samples[1]);
    await waitForBuffers(baseline);
    expect(await eventsOf('reattach')).toEqual(['mi-load', 'mi-result']);

    // The same element object back in the page: the model is loaded again and its current image
    // (the one whose classification was cut short) classified.
    await page.evaluate(() => document.body.append((window as unknown as { miDetached: Element }).miDetached));
    await waitForEvent(page, 'mi-load', 2, 'reattach');
    await waitForEvent(page, 'mi-result', 2, 'reattach');
    expect(await liveBuffers()).toBeGreaterThan(baseline);
    // And the first image again gives what it gave before the removal.
    await page.evaluate((src) => document.querySelector('#reattach')!.setAttribute('src', src), samples[0]);
    const again = await waitForEvent(page, 'mi-result', 3, 'reattach');
    expect(again.detail.outputs).toHaveLength(first.detail.outputs.length);
    again.detail.outputs.forEach((v: number, i: number) => expect(v).toBeCloseTo(first.detail.outputs[i], 5));
    expect(await eventsOf('reattach')).toEqual(['mi-load', 'mi-result', 'mi-load', 'mi-result', 'mi-result']);
    await page.evaluate(() => document.querySelector('#reattach')!.remove());
    await waitForBuffers(baseline);
  });

  it('model changed mid-inference: the old result is never shown or reported, no mi-error; the new model classifies the image', async () => {
    baseline = await liveBuffers();
    await addElement('swap', MODEL);
    await waitForEvent(page, 'mi-load', 1, 'swap');
    await page.evaluate((src) => document.querySelector('#swap')!.setAttribute('src', src), samples[0]);
    await waitForEvent(page, 'mi-result', 1, 'swap');

    const barsAtLoad = await page.evaluate(async (src) => {
      const w = window as unknown as PageState & { miEvents: { type: string; target: string }[] };
      const el = document.querySelector('#swap') as HTMLElement & { updateComplete: Promise<unknown> };
      // The bars on screen when the new model reports mi-load (after that render).
      const shown = new Promise<number>((resolve) =>
        el.addEventListener('mi-load', () => void el.updateComplete.then(() => resolve(el.shadowRoot!.querySelectorAll('[part~=bar]').length)), {
          once: true,
        }),
      );
      const before = w.miStarted;
      el.setAttribute('src', src);
      while (w.miStarted === before) await new Promise((r) => setTimeout(r, 0));
      w.miEvents.push({ type: 'model-changed', target: 'swap' });
      el.setAttribute('model', '/models/malaria-cnn/model.keras');
      return shown;
    }, samples[1]);
    await waitForEvent(page, 'mi-result', 2, 'swap');
    // Nothing between the change and the new model's mi-load: the old model's result was dropped.
    expect(await eventsOf('swap')).toEqual(['mi-load', 'mi-result', 'model-changed', 'mi-load', 'mi-result']);
    expect(barsAtLoad).toBe(0);
    await page.evaluate(() => document.querySelector('#swap')!.remove());
    await waitForBuffers(baseline);
  });

  it('no uncaught error and no mi-error in the whole page', async () => {
    const uncaught = await page.evaluate(() => (window as unknown as PageState).miUncaught);
    expect(uncaught).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect((await events(page)).filter((e) => e.type === 'mi-error')).toEqual([]);
  });
});
