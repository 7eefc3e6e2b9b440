/**
 * The Chromium runtime: the engine runs in the host page (src/cli/page) of a headless Chromium
 * with WebGPU, served locally (page-server.ts). The model is loaded in the page by URL, so its files (and a tfjs
 * model's shards, relative to model.json) are fetched over HTTP from the local server exactly as a
 * web app would; tensors cross as base64 (src/cli/wire.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'puppeteer';
import { chromiumToLaunch, closeChromium, launchChromium, loadPuppeteer } from '../browser.ts';
import { startPageServer, type PageServer } from '../page-server.ts';
import type { PageApi } from '../page/page.ts';
import { f32ToBase64, base64ToF32, WIRE_PART_FLOATS } from '../wire.ts';
import { EngineError, WebGPUUnavailableError } from '../../errors.ts';
import type { Runtime, RuntimeOptions } from './runtime.ts';
import { parseJsonFile } from './files.ts';

/** An error thrown in the page, rebuilt with its class name and engine code. */
export class PageSideError extends Error {
  constructor(
    name: string,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

type PageResult<T> = T | { error: { name: string; code?: string; message: string } };

/** The page's result, or its error rethrown here; `localise` rewrites the message (server URLs → paths). */
function unwrap<T>(r: PageResult<T>, localise: (msg: string) => string = (m) => m): T {
  if (r && typeof r === 'object' && 'error' in r) {
    const e = r.error;
    const message = localise(e.message);
    if (e.code === 'WEBGPU_UNAVAILABLE') {
      // The page's advice is for web users; here the first sentence and the flags matter.
      throw new WebGPUUnavailableError(
        `headless Chromium has none (${message.split(/\.\s/)[0]}); it needs --enable-unsafe-webgpu, and SwiftShader where there is no GPU`,
      );
    }
    throw new PageSideError(e.name, e.code, message);
  }
  return r as T;
}

/** Thrown when no Chromium can be found or started. */
export class ChromiumUnavailableError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NO_CHROMIUM', message, options);
  }
}

// page.evaluate sends the function's source to the page, so each one names window.mi itself.
type Win = { mi: PageApi };

export async function openChromiumRuntime(options: RuntimeOptions): Promise<Runtime> {
  // Without puppeteer this throws MissingPackageError, which names the package to install.
  const exe = chromiumToLaunch(await loadPuppeteer());
  if (!exe || !existsSync(exe)) {
    throw new ChromiumUnavailableError(
      `no Chromium found${exe ? ` at ${exe} (PUPPETEER_EXECUTABLE_PATH)` : ''}: install Chrome or Chromium (Debian: apt-get install chromium), ` +
        'set PUPPETEER_EXECUTABLE_PATH, or use --runtime node',
    );
  }
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  const closeAll = async () => {
    if (browser) await closeChromium(browser);
    await server?.close().catch(() => undefined);
    browser = server = undefined;
  };
  try {
    server = await startPageServer(options.allow);
    try {
      browser = await launchChromium({ webgpu: !options.noWebgpu, extraArgs: options.chromiumFlags });
    } catch (cause) {
      throw new ChromiumUnavailableError(String((cause as Error).message).split('\n')[0], { cause });
    }
    const page = await openPage(browser, server.pageUrl);
    const adapter = unwrap(await page.evaluate(() => (globalThis as unknown as Win).mi.adapter()));
    return pageRuntime(page, server, adapter, closeAll);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  // A script error while the page loads means it never becomes ready: fail at once, not at the timeout.
  let onError: (e: Error) => void = () => undefined;
  const broken = new Promise<never>((_, reject) => (onError = reject));
  broken.catch(() => undefined);
  page.on('pageerror', (e) => onError(e instanceof Error ? e : new Error(String(e))));
  await page.goto(url);
  try {
    await Promise.race([page.waitForFunction('globalThis.miReady === true', { timeout: 120_000 }), broken]);
  } catch (err) {
    throw new Error(`the engine page did not load in Chromium: ${(err as Error).message}`);
  }
  return page;
}

/** Sends a tensor's data to the page in parts (page.ts `stage`); returns its id there. */
async function upload(page: Page, data: Float32Array): Promise<number> {
  let id = 0;
  for (let offset = 0; offset === 0 || offset < data.length; offset += WIRE_PART_FLOATS) {
    const b64 = f32ToBase64(data.subarray(offset, offset + WIRE_PART_FLOATS));
    id = await page.evaluate((i, n, o, b) => (globalThis as unknown as Win).mi.stage(i, n, o, b), id, data.length, offset, b64);
  }
  return id;
}

/** Fetches a staged tensor from the page in parts (page.ts `take`). */
async function download(page: Page, id: number, shape: readonly number[]): Promise<Float32Array> {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let offset = 0; offset < out.length; offset += WIRE_PART_FLOATS) {
    const count = Math.min(WIRE_PART_FLOATS, out.length - offset);
    out.set(base64ToF32(await page.evaluate((i, o, c) => (globalThis as unknown as Win).mi.take(i, o, c), id, offset, count)), offset);
  }
  return out;
}

/** A served path back to the file's path (fileUrl percent-encodes each segment). */
function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function pageRuntime(page: Page, server: PageServer, adapterName: string, closeAll: () => Promise<void>): Runtime {
  let handle: number | undefined;
  // The run's progress callback; the page reports through the function exposed below.
  let onProgress: ((p: { done: number; total: number }) => void) | undefined;
  const exposed = page.exposeFunction('miProgress', (done: number, total: number) => onProgress?.({ done, total })).catch(() => undefined);
  // Messages name files by the URL the page fetched them from; users know them by path.
  const fsPrefix = server.fileUrl('/').slice(0, -1);
  const served = new RegExp(`${fsPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\s"')]+)`, 'g');
  const localise = (msg: string) => msg.replace(served, (_, path: string) => decodePath(path));
  return {
    name: 'chromium',
    adapterName,
    async load(files, options = {}) {
      const architecture = files.architecture ? parseJsonFile(await readFile(files.architecture), files.architecture, options.limits?.maxConfigDepth) : undefined;
      const url = server.fileUrl(files.model);
      if (handle !== undefined) await page.evaluate((h) => (globalThis as unknown as Win).mi.dispose(h), handle);
      const r = unwrap(
        await page.evaluate((u, o) => (globalThis as unknown as Win).mi.load(u, o), url, {
          inputShape: options.inputShape,
          logits: options.logits,
          architecture: architecture as never,
          limits: options.limits,
          backend: options.backend,
        }),
        localise,
      );
      handle = r.handle;
      return { info: r.info, loadMs: r.loadMs, preprocessing: r.preprocessing, metadata: r.metadata, backend: r.backend, backendReason: r.backendReason };
    },
    async run(inputs, options = {}) {
      if (handle === undefined) throw new Error('no model loaded');
      onProgress = options.onProgress;
      await exposed;
      // Tensors cross in parts, so their size is not bounded by one DevTools message.
      const staged = [];
      for (const t of inputs) staged.push({ id: await upload(page, t.data), shape: [...t.shape] });
      const r = unwrap(
        await page.evaluate((h, xs, p) => (globalThis as unknown as Win).mi.runStaged(h, xs, { progress: p }), handle, staged, !!onProgress),
        localise,
      );
      try {
        const outputs = [];
        for (const o of r.outputs) outputs.push({ shape: o.shape, data: await download(page, o.id, o.shape) });
        return { outputs, ms: r.ms };
      } finally {
        await page.evaluate((ids) => (globalThis as unknown as Win).mi.drop(ids), r.outputs.map((o) => o.id));
      }
    },
    async explain(input, options = {}) {
      if (handle === undefined) throw new Error('no model loaded');
      const staged = { id: await upload(page, input.data), shape: [...input.shape] };
      const r = unwrap(await page.evaluate((h, x, o) => (globalThis as unknown as Win).mi.explainStaged(h, x, o), handle, staged, options), localise);
      try {
        const maps = { shape: r.maps.shape, data: await download(page, r.maps.id, r.maps.shape) };
        const logits = { shape: r.logits.shape, data: await download(page, r.logits.id, r.logits.shape) };
        return { maps, logits, classIndex: r.classIndex, layer: r.layer, targetShape: r.targetShape, ms: r.ms };
      } finally {
        await page.evaluate((ids) => (globalThis as unknown as Win).mi.drop(ids), [r.maps.id, r.logits.id]);
      }
    },
    close: closeAll,
  };
}
