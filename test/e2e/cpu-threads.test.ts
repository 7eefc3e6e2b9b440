/**
 * WebAssembly threads (README "Without WebGPU"): the CPU demo page served cross-origin isolated
 * (COOP same-origin + COEP require-corp, as the README tells apps to), WebGPU removed. ONNX Runtime
 * then runs min(4, cores) threads in workers of its own module, from this origin; the element still
 * classifies the cell as real Keras does, and nothing hangs.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import type { ViteDevServer } from 'vite';
import { cellRefs, closeWindow, newWindow, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, sigmoid, waitForEvent } from './demo.ts';

const CELL = 'images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png';

let server: ViteDevServer;
let origin: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  requireFixtures();
  const { createServer } = await import('vite');
  server = await createServer({
    configFile: join(REPO_ROOT, 'demo', 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      hmr: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('Vite did not report a port');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await sharedBrowser();
  page = await newWindow(browser);
  page.on('request', (r) => requests.push(r.url()));
  await page.evaluateOnNewDocument(() => {
    delete (Navigator.prototype as { gpu?: unknown }).gpu;
  });
  await recordEvents(page);
  await page.goto(`${origin}/cpu.html`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await server?.close();
});

it('cross-origin isolated: ONNX Runtime runs in worker threads from this origin and the cell is classified as Keras does', async () => {
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await waitForEvent(page, 'mi-load', 1, 'cpu', 120_000);
  await page.evaluate((url) => document.querySelector('#cpu')!.setAttribute('src', url), `/samples/${CELL.split('/').slice(2).join('/')}`);
  const e = await waitForEvent(page, 'mi-result', 1, 'cpu', 120_000);
  expect(e.detail.backend).toBe('wasm');
  const p = (e.detail.probabilities as { label: string; p: number }[]).find((x) => x.label === 'Uninfected')!.p;
  expect(Math.abs(p - sigmoid(cellRefs().get(CELL)!.logit))).toBeLessThanOrEqual(1e-4);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // Threads start as workers of ORT's own module: one request per worker beyond the page's first import.
  const ortModule = requests.filter((r) => r.includes('ort.wasm.bundle.min.mjs'));
  console.log(`isolated page, ${cores} cores: ${ortModule.length} loads of ORT's module (page + workers)`);
  if (Math.min(4, cores) > 1) expect(ortModule.length).toBeGreaterThan(1);
  for (const r of requests) if (!r.startsWith('data:') && !r.startsWith('blob:')) expect(new URL(r).origin).toBe(origin);
});
