/**
 * End-to-end helpers: the demo served by its own Vite server (demo/vite.config.ts, as `npm start`
 * serves it), pages of the shared headless Chromium (test/setup/global-setup.ts), and a recorder of
 * the element's events installed before any page script runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import type { ViteDevServer } from 'vite';
import { fixturesDir, REPO_ROOT } from '../../demo/server-plugin.ts';

export { fixturesDir, REPO_ROOT };

export const MODEL_DIR = join(REPO_ROOT, 'weights', 'malaria-cnn');

export interface DemoServer {
  origin: string;
  close(): Promise<void>;
}

/** Starts the demo's dev server on a free port of 127.0.0.1. */
export async function startDemo(): Promise<DemoServer> {
  const { createServer } = await import('vite');
  const server: ViteDevServer = await createServer({
    configFile: join(REPO_ROOT, 'demo', 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report a port');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => server.close() };
}

/** The shared Chromium with WebGPU; fails (never skips) with the reason when it could not start. */
export async function sharedBrowser(): Promise<Browser> {
  const ws = inject('browserWSEndpoint');
  if (!ws) throw new Error(`End-to-end tests need headless Chromium with WebGPU, which could not start: ${inject('browserError')}`);
  const { default: puppeteer } = await import('puppeteer');
  return puppeteer.connect({ browserWSEndpoint: ws, protocolTimeout: 0 });
}

/**
 * A page in a browser context of its own. Each context gets its own window, so pages of other test
 * files (run in parallel on the same browser) do not hide this one behind a newer tab: a hidden tab
 * gets no file picker.
 */
export async function newWindow(browser: Browser): Promise<Page> {
  const context = await browser.createBrowserContext();
  return context.newPage();
}

/** Closes a page made by newWindow, with its context. */
export async function closeWindow(page: Page | undefined): Promise<void> {
  await page?.browserContext().close();
}

/** An element event as recorded in the page. */
export interface RecordedEvent {
  type: 'mi-load' | 'mi-result' | 'mi-error' | 'mi-explain';
  target: string;
  detail: any;
}

/**
 * Records every mi-* event (they bubble and are composed) into `window.miEvents`, from before the
 * page's own scripts run, so none is missed.
 */
export async function recordEvents(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { miEvents: unknown[] };
    w.miEvents = [];
    for (const type of ['mi-load', 'mi-result', 'mi-error', 'mi-explain']) {
      document.addEventListener(
        type,
        (e) => {
          const target = (e.target as Element | null)?.id ?? '';
          // Typed arrays (mi-explain's map) become plain arrays, which JSON keeps in order.
          const plain = JSON.stringify((e as CustomEvent).detail, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
          w.miEvents.push({ type, target, detail: JSON.parse(plain) });
        },
        true,
      );
    }
  });
}

/** The recorded events so far. */
export function events(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as unknown as { miEvents: RecordedEvent[] }).miEvents);
}

/**
 * Waits until `count` events of `type` have been recorded (for `target` when given); returns the
 * last. Waiting for mi-load or mi-result fails at once, with its message, if an mi-error comes first.
 */
export async function waitForEvent(
  page: Page,
  type: RecordedEvent['type'],
  count: number,
  target?: string,
  timeout = 240_000,
): Promise<RecordedEvent> {
  const mine = (all: RecordedEvent[], t: string) => all.filter((e) => e.type === t && (!target || e.target === target));
  const errorsBefore = type === 'mi-error' ? Infinity : mine(await events(page), 'mi-error').length;
  try {
    await page.waitForFunction(
      (t, n, id, errs) => {
        const all = (window as unknown as { miEvents: RecordedEvent[] }).miEvents.filter((e) => !id || e.target === id);
        return all.filter((e) => e.type === t).length >= n || all.filter((e) => e.type === 'mi-error').length > errs;
      },
      { timeout, polling: 100 },
      type,
      count,
      target ?? '',
      errorsBefore,
    );
  } catch (err) {
    throw new Error(`No ${count}th ${type} event within ${timeout} ms; events so far: ${JSON.stringify(await events(page)).slice(0, 2000)}`, {
      cause: err,
    });
  }
  const all = await events(page);
  const wanted = mine(all, type);
  if (wanted.length < count) {
    const error = mine(all, 'mi-error').at(-1);
    throw new Error(`mi-error instead of the ${count}th ${type}${target ? ` of #${target}` : ''}: ${JSON.stringify(error?.detail)}`);
  }
  return wanted[count - 1];
}

/** Text of an element's shadow root (what the user sees, whitespace collapsed). */
export function shadowText(page: Page, selector: string): Promise<string> {
  return page.evaluate(
    (sel) => (document.querySelector(sel)?.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    selector,
  );
}

/** One cell of weights/malaria-cnn/ref/test-cells.json: a real-Keras logit for a test image. */
export interface CellRef {
  path: string;
  label: 0 | 1;
  logit: number;
  prob: number;
}

/** The trained demo model's reference logits by fixture-relative path; fails clearly when missing. */
export function cellRefs(): Map<string, CellRef> {
  const file = join(MODEL_DIR, 'ref', 'test-cells.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: the demo model's references come from scripts/train_malaria_cnn.py`);
  }
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { cells: CellRef[] };
  return new Map(doc.cells.map((c) => [c.path, c]));
}

/** The demo model's metadata.json. */
export function modelMetadata(): any {
  const file = join(MODEL_DIR, 'metadata.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: it comes from scripts/train_malaria_cnn.py`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Fails with a clear message when the shared fixtures (sample images) are not beside the checkout. */
export function requireFixtures(): string {
  const dir = join(fixturesDir(), 'images', 'malaria-cells');
  if (!existsSync(dir)) throw new Error(`The sample cells are missing: expected ${dir} (../shared/fixtures beside the checkout)`);
  return fixturesDir();
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
