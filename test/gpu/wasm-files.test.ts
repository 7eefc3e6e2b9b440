/**
 * ONNX Runtime Web's .wasm not where the page says (a bundler that did not serve it, a wrong
 * wasmPaths): loading a model on WebAssembly fails with a typed error that names the file, where it
 * was looked for and how to serve it, not ORT's bare "no available backend". In a fresh page, since
 * ORT sets up its WebAssembly once per page.
 */
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl } from '../util/gpu.ts';

let browser: Browser | undefined;
let page: Page | undefined;

afterAll(async () => {
  await page?.close();
  await browser?.disconnect();
});

it('a wrong wasmPaths: MissingPackageError naming the .wasm, the folder and the fix', async () => {
  const { default: puppeteer } = await import('puppeteer');
  browser = await puppeteer.connect({ browserWSEndpoint: inject('browserWSEndpoint'), protocolTimeout: 0 });
  page = await browser.newPage();
  await page.goto(inject('pageUrl'));
  await page.waitForFunction('globalThis.miReady === true', { timeout: 120_000 });
  const url = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));
  const failure = await page.evaluate(`import('/test/browser/wasm-model.ts').then((m) => m.wrongWasmPaths(${JSON.stringify(url)}))`);
  expect(failure).toMatchObject({ name: 'MissingPackageError', code: 'MISSING_PACKAGE' });
  const { message } = failure as { message: string };
  expect(message).toContain('ort-wasm-simd-threaded.wasm');
  expect(message).toContain('at wasmPaths "/nowhere/"');
  expect(message).toContain('/nowhere/ort-wasm-simd-threaded.mjs'); // ORT's own words, kept
  expect(message).toMatch(/optimizeDeps: \{ exclude: \['onnxruntime-web'\] \}/);
});
