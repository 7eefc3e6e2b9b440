/**
 * <mi-classifier> end to end, in the demo page as `npm start` serves it, in headless Chromium with
 * WebGPU: the bundled model loads (mi-load, one progress bar), gallery cells and a file chosen from
 * the keyboard are classified with the probabilities real Keras gives (ref/test-cells.json), the
 * result is visible and readable by a screen reader, and the page fetches nothing it should not.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, KeyInput, Page } from 'puppeteer';
import {
  cellRefs,
  MODEL_DIR,
  modelMetadata,
  recordEvents,
  REPO_ROOT,
  requireFixtures,
  sharedBrowser,
  newWindow,
  closeWindow,
  shadowText,
  sigmoid,
  startDemo,
  waitForEvent,
  type CellRef,
  type DemoServer,
  type RecordedEvent,
} from './demo.ts';

/** |p − sigmoid(Keras logit)| allowed: f32 GPU arithmetic vs TensorFlow's, same preprocessing. */
const TOLERANCE = 1e-4;

let demo: DemoServer;
let browser: Browser;
let page: Page;
let refs: Map<string, CellRef>;
const requests: string[] = [];
const pageErrors: string[] = [];
let results = 0;

beforeAll(async () => {
  requireFixtures();
  refs = cellRefs();
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.setViewport({ width: 1100, height: 900 });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await recordEvents(page);
  await page.goto(`${demo.origin}/`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** The shown bars, their text alternative, the status line and any error, from the shadow DOM. */
function shadowView(p: Page) {
  return p.evaluate(() => {
    const root = document.querySelector('#cells')!.shadowRoot!;
    const text = (sel: string) => [...root.querySelectorAll(sel)].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim());
    const fill = root.querySelector<HTMLElement>('[part=bar-fill]');
    return {
      labels: text('[part=label]'),
      values: text('[part=value]'),
      table: text('table tr'),
      status: text('[part=status]')[0] ?? '',
      statusLive: root.querySelector('[part=status]')?.getAttribute('aria-live'),
      error: text('[part=error]'),
      topBarWidth: fill?.getBoundingClientRect().width ?? 0,
    };
  });
}

/** Checks one mi-result against the real-Keras logit of the image it was for. */
function expectMatchesKeras(e: RecordedEvent, ref: CellRef): void {
  const { probabilities, outputs, outputShape, ms, adapter } = e.detail;
  const expected = sigmoid(ref.logit);
  const byLabel = new Map<string, number>(probabilities.map((x: { label: string; p: number }) => [x.label, x.p]));
  expect([...byLabel.keys()].sort()).toEqual(['Parasitized', 'Uninfected']);
  expect(Math.abs(byLabel.get('Uninfected')! - expected), `${ref.path}: P(Uninfected) vs Keras`).toBeLessThanOrEqual(TOLERANCE);
  expect(Math.abs(byLabel.get('Parasitized')! - (1 - expected))).toBeLessThanOrEqual(TOLERANCE);
  expect(probabilities[0].p).toBeGreaterThanOrEqual(probabilities[1].p); // most probable first
  expect(outputShape).toEqual([1, 1]);
  expect(Math.abs(outputs[0] - expected)).toBeLessThanOrEqual(TOLERANCE);
  expect(ms).toBeGreaterThan(0);
  expect(typeof adapter).toBe('string');
}

describe('<mi-classifier> in the demo', () => {
  it('loads the bundled model once, with one progress bar, and fires mi-load', async () => {
    const meta = modelMetadata();
    const load = await waitForEvent(page, 'mi-load', 1, 'cells');
    expect(load.detail.adapter).toMatch(/\S/);
    expect(load.detail.info.inputs[0].shape).toEqual([null, meta.input.height, meta.input.width, meta.input.channels]);
    expect(load.detail.metadata.labels).toEqual(meta.labels);
    const view = await shadowView(page);
    expect(view.status).toMatch(/^Ready/);
    expect(view.statusLive).toBe('polite');
    expect(view.error).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows the progress of a load as one progressbar whose value only grows', async () => {
    // A second element on the same model, watched from its first render.
    const seen = await page.evaluate(async () => {
      const el = document.createElement('mi-classifier');
      el.id = 'progress-probe';
      el.setAttribute('model', '/models/malaria-cnn/model.json');
      const samples: { now: string | null; text: string | null; count: number }[] = [];
      document.body.append(el);
      const root = el.shadowRoot!;
      const record = () => {
        const bars = root.querySelectorAll('[role=progressbar]');
        const bar = bars[0];
        if (bar) samples.push({ now: bar.getAttribute('aria-valuenow'), text: bar.getAttribute('aria-valuetext'), count: bars.length });
      };
      const observer = new MutationObserver(record);
      observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      await new Promise<void>((resolve, reject) => {
        el.addEventListener('mi-load', () => resolve(), { once: true });
        el.addEventListener('mi-error', (e) => reject(new Error(JSON.stringify((e as CustomEvent).detail))), { once: true });
      });
      observer.disconnect();
      const after = root.querySelectorAll('[role=progressbar]').length;
      el.remove();
      return { samples, after };
    });
    expect(seen.samples.length).toBeGreaterThan(0);
    expect(seen.samples.every((s) => s.count === 1)).toBe(true);
    const values = seen.samples.map((s) => Number(s.now));
    expect(values.every((v) => Number.isFinite(v) && v >= 0 && v <= 100)).toBe(true);
    expect(values.every((v, i) => i === 0 || v >= values[i - 1]), JSON.stringify(seen.samples)).toBe(true);
    const texts = seen.samples.map((s) => s.text ?? '');
    expect(texts.some((t) => /Compiling|Warming/.test(t))).toBe(true);
    expect(seen.after).toBe(0); // gone once ready
  });

  it('classifies gallery cells with the probabilities real Keras gives', async () => {
    const meta = modelMetadata();
    // The references were made with tf.image.resize bilinear, no antialias: the element's default.
    expect(String(meta.input.resize)).toMatch(/^bilinear/);
    expect(meta.input.antialias).toBe(false);
    const gallery: { url: string; path: string }[] = await page.$$eval('#gallery button', (bs) =>
      bs.map((b) => ({ url: (b as HTMLElement).dataset.url!, path: (b as HTMLElement).dataset.path! })),
    );
    const pick = [
      ...gallery.filter((g) => g.path.includes('/Parasitized/')).slice(0, 2),
      ...gallery.filter((g) => g.path.includes('/Uninfected/')).slice(0, 2),
    ];
    expect(pick).toHaveLength(4);
    for (const g of pick) {
      const ref = refs.get(g.path);
      expect(ref, `no reference for ${g.path}`).toBeDefined();
      await page.click(`#gallery button[data-url="${g.url}"]`);
      const e = await waitForEvent(page, 'mi-result', ++results, 'cells');
      expectMatchesKeras(e, ref!);
      const view = await shadowView(page);
      const top = e.detail.probabilities[0];
      const pct = `${(top.p * 100).toFixed(1)} %`;
      expect(view.labels).toEqual(e.detail.probabilities.map((x: { label: string }) => x.label));
      expect(view.values[0]).toBe(pct);
      expect(view.table[0]).toBe(`${top.label}${pct}`);
      expect(view.status).toContain(`${top.label} ${pct}`);
      expect(view.status).toContain(e.detail.adapter);
      expect(view.topBarWidth).toBeGreaterThan(0);
    }
  });

  it('opens the file picker from the keyboard and classifies the chosen file', async () => {
    // Other test files open pages in the same browser: a file picker opens only from the front tab.
    await page.bringToFront();
    // Puppeteer turns file-chooser interception on in the first waitForFileChooser without waiting
    // for Chromium's reply, so a key pressed at once can beat it (a picker that never appears).
    // Turn it on ahead; this waiter times out unanswered, which is expected.
    await page.waitForFileChooser({ timeout: 500 }).catch(() => undefined);
    // Count the drop zone's calls to the file input's click(), so a failure says which side failed.
    await page.evaluate(() => {
      const w = window as unknown as { pickerClicks: number };
      w.pickerClicks = 0;
      document.querySelector('#cells')!.shadowRoot!.querySelector('input[type=file]')!.addEventListener('click', () => w.pickerClicks++);
    });
    const pressForChooser = async (key: KeyInput) => {
      try {
        const [chooser] = await Promise.all([page.waitForFileChooser({ timeout: 30_000 }), page.keyboard.press(key)]);
        return chooser;
      } catch (err) {
        const clicks = await page.evaluate(() => (window as unknown as { pickerClicks: number }).pickerClicks);
        throw new Error(`"${key}" opened no file chooser; the file input's click() ran ${clicks} time(s) so far`, { cause: err });
      }
    };

    // Clicking the heading moves the sequential focus starting point there (above the element).
    await page.click('h1');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const host = document.activeElement;
      const inner = host?.shadowRoot?.activeElement;
      return { host: host?.id, part: inner?.getAttribute('part'), role: inner?.getAttribute('role'), label: inner?.getAttribute('aria-label') };
    });
    expect(focused).toMatchObject({ host: 'cells', part: 'dropzone', role: 'button' });
    expect(focused.label).toMatch(/choose/i);

    const chooser = await pressForChooser('Enter');
    const path = 'images/malaria-cells/Uninfected/' + [...refs.keys()].filter((p) => p.includes('/Uninfected/')).map((p) => p.split('/').pop())[10];
    await chooser.accept([join(requireFixtures(), path)]);
    const e = await waitForEvent(page, 'mi-result', ++results, 'cells');
    expectMatchesKeras(e, refs.get(path)!);

    await (await pressForChooser(' ')).cancel();
  });

  it('looks right (screenshot in test-artifacts/mi-classifier.png)', async () => {
    const dir = join(REPO_ROOT, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    const section = await page.$('section');
    await section!.screenshot({ path: join(dir, 'mi-classifier.png') });
    const styles = await page.evaluate(() => {
      const root = document.querySelector('#cells')!.shadowRoot!;
      const canvas = root.querySelector<HTMLCanvasElement>('[part=image]')!;
      return { imageShown: !canvas.hidden && canvas.getBoundingClientRect().width > 0, label: canvas.getAttribute('aria-label') };
    });
    expect(styles.imageShown).toBe(true);
    expect(styles.label).toMatch(/\.png$/);
  });

  it('fetches only its own modules, the model files and the sample images, all from its own origin', () => {
    const origin = new URL(demo.origin);
    const model = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
    const shards: string[] = model.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
    const modelFiles = new Set(['model.json', 'metadata.json', 'integrity.json', ...shards].map((f) => `/models/malaria-cnn/${f}`));
    const moduleDirs = ['src/', 'shaders/', 'node_modules/', 'demo/'].map((d) => `/@fs${REPO_ROOT}${d}`);
    const pageOwn = (p: string) =>
      ['/', '/main.ts', '/samples.json'].includes(p) || p.startsWith('/@vite/') || p.startsWith('/@id/') ||
      p.startsWith('/node_modules/') || moduleDirs.some((d) => p.startsWith(d));
    const unexpected: string[] = [];
    const fetchedModel = new Set<string>();
    for (const raw of requests) {
      if (raw.startsWith('data:') || raw.startsWith('blob:')) continue;
      const u = new URL(raw);
      if (u.origin !== origin.origin) unexpected.push(`${raw} (another origin)`);
      else if (u.pathname.startsWith('/models/')) {
        if (modelFiles.has(u.pathname)) fetchedModel.add(u.pathname);
        else unexpected.push(`${raw} (not a file of the model)`);
      } else if (u.pathname.startsWith('/samples/')) {
        // A sample cell, or the same cell as DICOM (demo/dicom-sample.ts), which the gallery offers too.
        if (!/^\/samples\/(Parasitized|Uninfected)\/[^/]+\.png(\.dcm)?$/.test(u.pathname)) unexpected.push(`${raw} (not a sample)`);
      } else if (!pageOwn(u.pathname)) unexpected.push(`${raw} (not one of the page's modules)`);
    }
    expect(unexpected).toEqual([]);
    expect([...fetchedModel].sort()).toEqual([...modelFiles].sort());
    expect(requests.length).toBeGreaterThan(10); // the recorder saw the page load at all
  });
});
