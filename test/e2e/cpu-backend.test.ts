/**
 * <mi-classifier> without WebGPU (issue 12): in a page where navigator.gpu does not exist, the element
 * loads the bundled model on WebAssembly (ONNX Runtime Web, imported by the page, served by its own
 * origin), classifies a real cell with real Keras' probability, shows the CPU badge and names the
 * backend in its events; the same page with WebGPU gives the same probabilities within 1e-4 and never
 * fetches ONNX Runtime; and the WebAssembly page fetches nothing from anywhere but its own origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import {
  cellRefs,
  closeWindow,
  newWindow,
  recordEvents,
  REPO_ROOT,
  requireFixtures,
  shadowText,
  sharedBrowser,
  sigmoid,
  startDemo,
  waitForEvent,
  type DemoServer,
  type RecordedEvent,
} from './demo.ts';

const CELL = 'images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png';
/** |p − sigmoid(Keras logit)|, and WebAssembly vs WebGPU: both f32, same preprocessing recipe. */
const TOLERANCE = 1e-4;

let demo: DemoServer;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  requireFixtures();
  demo = await startDemo();
  browser = await sharedBrowser();
});

afterAll(async () => {
  for (const p of pages) await closeWindow(p);
  await browser?.disconnect();
  await demo?.close();
});

interface Visit {
  page: Page;
  requests: string[];
  errors: string[];
}

/** Opens demo/cpu.html (optionally with WebGPU removed before any script runs) and records what it does. */
async function visit(query: string, withoutWebGPU: boolean): Promise<Visit> {
  const page = await newWindow(browser);
  pages.push(page);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  if (withoutWebGPU) {
    // As in a browser without WebGPU: no navigator.gpu at all.
    await page.evaluateOnNewDocument(() => {
      delete (Navigator.prototype as { gpu?: unknown }).gpu;
    });
  }
  await recordEvents(page);
  await page.goto(`${demo.origin}/cpu.html${query}`);
  return { page, requests, errors };
}

/** Classifies the sample cell through the element's `src`; returns its mi-result. */
async function classifyCell(page: Page): Promise<RecordedEvent> {
  await page.evaluate((url) => document.querySelector('#cpu')!.setAttribute('src', url), `/samples/${CELL.split('/').slice(2).join('/')}`);
  return waitForEvent(page, 'mi-result', 1, 'cpu');
}

const uninfected = (e: RecordedEvent): number =>
  (e.detail.probabilities as { label: string; p: number }[]).find((x) => x.label === 'Uninfected')!.p;

describe('<mi-classifier> with WebGPU disabled', () => {
  let cpu: Visit;
  let cpuResult: RecordedEvent;

  it('loads on WebAssembly, says why, classifies a real cell as Keras does and shows the CPU badge', async () => {
    cpu = await visit('', true);
    expect(await cpu.page.evaluate(() => 'gpu' in navigator)).toBe(false);
    const load = await waitForEvent(cpu.page, 'mi-load', 1, 'cpu');
    expect(load.detail.backend).toBe('wasm');
    expect(load.detail.backendReason).toBe('no WebGPU in this browser');
    expect(load.detail.adapter).toBe('WebAssembly (ONNX Runtime Web)');
    cpuResult = await classifyCell(cpu.page);
    expect(cpuResult.detail.backend).toBe('wasm');
    expect(cpuResult.detail.backendReason).toBe('no WebGPU in this browser');
    const ref = cellRefs().get(CELL)!;
    expect(Math.abs(uninfected(cpuResult) - sigmoid(ref.logit)), 'P(Uninfected) vs Keras').toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(cpuResult.detail.outputs[0] - sigmoid(ref.logit))).toBeLessThanOrEqual(TOLERANCE);
    const badge = await cpu.page.evaluate(() => document.querySelector('#cpu')!.shadowRoot!.querySelector('[part=backend]')?.textContent?.trim());
    expect(badge).toBe('CPU · WebAssembly, no WebGPU in this browser');
    expect(await shadowText(cpu.page, '#cpu')).toContain('CPU · WebAssembly');
    expect(cpu.errors).toEqual([]);
  });

  it('gives the probabilities of the same page on WebGPU within 1e-4; that page never fetches ONNX Runtime', async () => {
    const gpu = await visit('?backend=webgpu', false);
    const load = await waitForEvent(gpu.page, 'mi-load', 1, 'cpu');
    expect(load.detail.backend).toBe('webgpu');
    const result = await classifyCell(gpu.page);
    expect(result.detail.backend).toBe('webgpu');
    const ref = cellRefs().get(CELL)!;
    console.log(
      `P(Uninfected): wasm ${uninfected(cpuResult)}, webgpu ${uninfected(result)}, Keras ${sigmoid(ref.logit)}; ` +
        `|wasm − webgpu| ${Math.abs(uninfected(result) - uninfected(cpuResult)).toExponential(2)}`,
    );
    expect(Math.abs(uninfected(result) - uninfected(cpuResult))).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(result.detail.outputs[0] - cpuResult.detail.outputs[0])).toBeLessThanOrEqual(TOLERANCE);
    const badge = await gpu.page.evaluate(() => document.querySelector('#cpu')!.shadowRoot!.querySelector('[part=backend]')?.textContent?.trim());
    expect(badge).toBe(`GPU · ${load.detail.adapter}`);
    expect(gpu.requests.filter((r) => r.includes('onnxruntime') || r.endsWith('.wasm'))).toEqual([]);
  });

  it('fetches only its own modules, the model files, the cell and ONNX Runtime files, all from its own origin', () => {
    const origin = new URL(demo.origin).origin;
    const moduleDirs = ['src/', 'shaders/', 'node_modules/', 'demo/'].map((d) => `/@fs${REPO_ROOT}${d}`);
    const own = (p: string) =>
      ['/cpu.html', '/cpu.ts'].includes(p) || p.startsWith('/@vite/') || p.startsWith('/@id/') || p.startsWith('/node_modules/') ||
      p.startsWith('/models/malaria-cnn/') || p.startsWith('/samples/') || moduleDirs.some((d) => p.startsWith(d));
    const unexpected: string[] = [];
    for (const raw of cpu.requests) {
      if (raw.startsWith('data:') || raw.startsWith('blob:')) continue;
      const u = new URL(raw);
      if (u.origin !== origin) unexpected.push(`${raw} (another origin)`);
      else if (!own(u.pathname)) unexpected.push(`${raw} (not the page's own)`);
    }
    expect(unexpected).toEqual([]);
    const ortFiles = cpu.requests.filter((r) => /onnxruntime-web\/dist\/ort[^/]*\.(m?js|wasm)/.test(r));
    expect(ortFiles.some((r) => r.endsWith('.wasm')), `ORT's .wasm among ${ortFiles.join(', ')}`).toBe(true);
    // Not cross-origin isolated: one thread, so no worker loads ORT's module a second time (test/e2e/cpu-threads.test.ts has the isolated page).
    expect(ortFiles.filter((r) => r.includes('ort.wasm.bundle.min.mjs'))).toHaveLength(1);
    console.log(`ONNX Runtime files, same origin: ${ortFiles.map((r) => new URL(r).pathname.split('/').pop()).join(', ')}`);
  });
});
