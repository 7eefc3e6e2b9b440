/**
 * <mi-classifier> when things go wrong: a model URL that does not exist, a file that is not a model,
 * an image that is not an image, and a browser without WebGPU. Each must end in a visible message in
 * the element (never a blank box or a console-only error) and an mi-error event with the cause's code.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { launchChromium } from '../../src/cli/browser.ts';
import { recordEvents, REPO_ROOT, sharedBrowser, newWindow, closeWindow, shadowText, startDemo, waitForEvent, type DemoServer } from './demo.ts';

let demo: DemoServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo();
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await recordEvents(page);
  await page.goto(`${demo.origin}/`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await demo?.close();
});

/** Adds an element with these attributes to the page; returns its id. */
async function addElement(p: Page, id: string, attrs: Record<string, string>): Promise<string> {
  await p.evaluate(
    (i, a) => {
      const el = document.createElement('mi-classifier');
      el.id = i;
      for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
      document.body.append(el);
    },
    id,
    attrs,
  );
  return id;
}

/** The visible error box of element `id`: its text, whether it has a size on screen, and its role. */
function errorBox(p: Page, id: string) {
  return p.evaluate((i) => {
    const box = document.getElementById(i)?.shadowRoot?.querySelector('[part=error]');
    const r = box?.getBoundingClientRect();
    return {
      text: (box?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      visible: !!r && r.width > 0 && r.height > 0,
      role: box?.getAttribute('role'),
      progress: document.getElementById(i)?.shadowRoot?.querySelectorAll('[role=progressbar]').length,
    };
  }, id);
}

describe('<mi-classifier> error states', () => {
  it('a model URL that does not exist: visible message and mi-error MODEL_FETCH', async () => {
    const id = await addElement(page, 'missing', { model: '/models/malaria-cnn/does-not-exist.json' });
    const e = await waitForEvent(page, 'mi-error', 1, id, 60_000);
    expect(e.detail.code).toBe('MODEL_FETCH');
    expect(e.detail.message).toContain('does-not-exist.json');
    expect(e.detail.message).toContain('404');
    const box = await errorBox(page, id);
    expect(box).toMatchObject({ visible: true, role: 'alert', progress: 0 });
    expect(box.text).toContain('The model could not be loaded');
    expect(box.text).toContain(e.detail.message);
  });

  it('a file that is not a model: visible message and mi-error MODEL_FORMAT', async () => {
    const id = await addElement(page, 'not-a-model', { model: '/samples.json', metadata: 'none' });
    const e = await waitForEvent(page, 'mi-error', 1, id, 60_000);
    expect(e.detail.code).toBe('MODEL_FORMAT');
    const box = await errorBox(page, id);
    expect(box.visible).toBe(true);
    expect(box.text).toContain(e.detail.message);
  });

  it('an image that cannot be decoded: visible message and mi-error IMAGE_LOAD', async () => {
    const id = await addElement(page, 'bad-image', { model: '/models/malaria-cnn/model.json', src: '/samples.json' });
    const e = await waitForEvent(page, 'mi-error', 1, id, 120_000);
    expect(e.detail.code).toBe('IMAGE_LOAD');
    const box = await errorBox(page, id);
    expect(box.visible).toBe(true);
    expect(box.text).toContain('The image could not be classified');
  });

  it('a browser without WebGPU: the element says so and fires mi-error WEBGPU_UNAVAILABLE', async () => {
    const plain = await launchChromium({ webgpu: false });
    try {
      const p = await plain.newPage();
      await p.setViewport({ width: 1100, height: 900 });
      await recordEvents(p);
      await p.goto(`${demo.origin}/`);
      const e = await waitForEvent(p, 'mi-error', 1, 'cells', 60_000);
      expect(e.detail.code).toBe('WEBGPU_UNAVAILABLE');
      const box = await errorBox(p, 'cells');
      expect(box.visible).toBe(true);
      expect(box.text).toContain('This browser has no WebGPU');
      expect(box.text).toMatch(/Chrome or Edge 113\+/);
      expect(await shadowText(p, '#cells')).not.toMatch(/Ready/);
      mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
      await (await p.$('#cells'))!.screenshot({ path: join(REPO_ROOT, 'test-artifacts', 'mi-classifier-no-webgpu.png') });
    } finally {
      await plain.close();
    }
  });
});
