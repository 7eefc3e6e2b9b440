/**
 * GPU test helpers: a page of the shared headless Chromium with the engine loaded, and calls into
 * it. A missing browser or adapter makes the calling test FAIL with the reason (never skip).
 */
import { inject } from 'vitest';
import type { Page } from 'puppeteer';
import type { PageApi } from '../../src/cli/page/page.ts';
import { fromWire, graphToWire, toWire } from '../../src/cli/wire.ts';
import type { Graph } from '../../src/graph/ir.ts';
import type { Tensor } from '../../src/tensor.ts';

let pagePromise: Promise<Page> | undefined;

export class PageError extends Error {
  constructor(readonly errorName: string, readonly code: string | undefined, message: string) {
    super(message);
    this.name = errorName;
  }
}

async function openPage(): Promise<Page> {
  const ws = inject('browserWSEndpoint');
  if (!ws) throw new Error(`GPU tests need headless Chromium with WebGPU, which could not start: ${inject('browserError')}`);
  const { default: puppeteer } = await import('puppeteer');
  const browser = await puppeteer.connect({ browserWSEndpoint: ws, protocolTimeout: 0 });
  const page = await browser.newPage();
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(String(e)));
  await page.goto(inject('pageUrl'));
  try {
    await page.waitForFunction('globalThis.miReady === true', { timeout: 120_000 });
  } catch {
    throw new Error(`The engine page did not load. Browser console:\n${logs.join('\n')}`);
  }
  const adapter = await page.evaluate(() => (globalThis as unknown as { mi: PageApi }).mi.adapter());
  if (typeof adapter !== 'string') {
    throw new Error(`No WebGPU adapter in headless Chromium: ${adapter.error.message}`);
  }
  return page;
}

/** The test file's page (one per worker process). */
export function gpuPage(): Promise<Page> {
  pagePromise ??= openPage();
  return pagePromise;
}

type Result<T> = T | { error: { name: string; code?: string; message: string } };

function unwrap<T>(r: Result<T>): T {
  if (r && typeof r === 'object' && 'error' in (r as object)) {
    const e = (r as { error: { name: string; code?: string; message: string } }).error;
    throw new PageError(e.name, e.code, e.message);
  }
  return r as T;
}

/** Runs a whole graph on the GPU in the browser and returns its outputs. */
export async function runGraphOnGpu(graph: Graph, inputs: Tensor[], options: { allowNonFinite?: boolean } = {}): Promise<Tensor[]> {
  const page = await gpuPage();
  const wire = graphToWire(graph);
  const out = await page.evaluate(
    (g, xs, o) => (globalThis as unknown as { mi: PageApi }).mi.runGraph(g, xs, o),
    wire as never,
    inputs.map(toWire),
    options,
  );
  return unwrap(out).map(fromWire);
}

/** URL under which the page can fetch a file on this machine. */
export function fileUrl(absPath: string): string {
  return `${inject('fsUrl')}${absPath}`;
}

export interface LoadedModel {
  handle: number;
  /** Where the page runs it ('webgpu' | 'wasm') and why (model.backend, model.backendReason). */
  backend: 'webgpu' | 'wasm';
  backendReason: string;
  info: { name: string; format: string; kerasVersion: string; layers: { name: string; kerasClass: string; op: string }[] };
  run(inputs: Tensor[], options?: { allowNonFinite?: boolean }): Promise<Tensor[]>;
  dispose(): Promise<void>;
}

/** Loads a model by absolute path (or URL) in the page. */
export async function loadModelInPage(
  pathOrUrl: string,
  options: { inputShape?: number[]; logits?: boolean; architecture?: unknown; allowNonFinite?: boolean; backend?: 'auto' | 'webgpu' | 'wasm' } = {},
): Promise<LoadedModel> {
  const page = await gpuPage();
  const url = pathOrUrl.startsWith('/') ? fileUrl(pathOrUrl) : pathOrUrl;
  const r = unwrap(await page.evaluate((u, o) => (globalThis as unknown as { mi: PageApi }).mi.load(u, o), url, options));
  return {
    handle: r.handle,
    backend: r.backend,
    backendReason: r.backendReason,
    info: r.info,
    async run(inputs, runOptions = {}) {
      const res = unwrap(
        await page.evaluate((h, xs, o) => (globalThis as unknown as { mi: PageApi }).mi.run(h, xs, o), r.handle, inputs.map(toWire), runOptions),
      );
      return res.outputs.map(fromWire);
    },
    async dispose() {
      await page.evaluate((h) => (globalThis as unknown as { mi: PageApi }).mi.dispose(h), r.handle);
    },
  };
}
