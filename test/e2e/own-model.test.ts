/**
 * The demo's second example: a user's own Keras model given as files (no URL), then an image
 * dropped on the element. Two models: the project's TF.js bundle with its metadata.json (labels and
 * input recipe come from it), a third party's Keras 2 `.h5` with no metadata (the element must
 * fall back to the model's declared 224×224 input and pixels / 255, and to generic labels), and the
 * project's `.keras` alone (no metadata: its Rescaling layer means raw pixels go in).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ElementHandle, Page } from 'puppeteer';
import {
  cellRefs,
  MODEL_DIR,
  recordEvents,
  REPO_ROOT,
  requireFixtures,
  sharedBrowser,
  newWindow,
  closeWindow,
  sigmoid,
  startDemo,
  waitForEvent,
  type DemoServer,
} from './demo.ts';

let demo: DemoServer;
let browser: Browser;
let page: Page;
let fixtures: string;

beforeAll(async () => {
  fixtures = requireFixtures();
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

/** Chooses the model files in the demo's "Model files" input. */
async function chooseModelFiles(paths: string[]): Promise<void> {
  const input = (await page.$('input#own-files')) as ElementHandle<HTMLInputElement> | null;
  await input!.uploadFile(...paths);
}

/** Drops an image file on the #own element's drop zone, as a user dragging it from the desktop would. */
async function dropImage(abs: string): Promise<void> {
  const b64 = readFileSync(abs).toString('base64');
  const name = abs.split('/').pop()!;
  await page.evaluate(
    (data, n) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], n, { type: 'image/png' }));
      const zone = document.querySelector('#own')!.shadowRoot!.querySelector('[part=dropzone]')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    b64,
    name,
  );
}

describe('the "your own model" example', () => {
  it('a TF.js model.json + shard + metadata.json chosen as files, then a dropped image', async () => {
    const json = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
    const shards: string[] = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
    await chooseModelFiles(['model.json', 'metadata.json', ...shards].map((f) => join(MODEL_DIR, f)));
    const load = await waitForEvent(page, 'mi-load', 1, 'own');
    expect(load.detail.metadata.labels).toEqual(['Parasitized', 'Uninfected']);
    expect(load.detail.preprocessing).toMatchObject({ options: { scale: 1, offset: 0, height: 64, width: 64 }, usedDefault: false });
    expect(load.detail.preprocessing.sources).toMatchObject({ scale: 'metadata', size: 'metadata' });

    const path = 'images/malaria-cells/Uninfected/' + [...cellRefs().keys()].filter((p) => p.includes('/Uninfected/')).map((p) => p.split('/').pop())[20];
    await dropImage(join(fixtures, path));
    const e = await waitForEvent(page, 'mi-result', 1, 'own');
    const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
    expect(Math.abs(p - sigmoid(cellRefs().get(path)!.logit))).toBeLessThanOrEqual(1e-4);
  });

  it('a Keras 2 .h5 without metadata: the declared 224×224 input, pixels / 255 and the labels typed in', async () => {
    const refs = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/malaria-cells-ref.json'), 'utf8')).items as {
      path: string;
      logit: number;
    }[];
    await chooseModelFiles([join(fixtures, 'models/malaria-resnet-keras2-h5/malaria_model.h5')]);
    const load = await waitForEvent(page, 'mi-load', 2, 'own');
    expect(load.detail.metadata).toBeUndefined();
    expect(load.detail.info.inputs[0].shape).toEqual([null, 224, 224, 3]);
    expect(load.detail.preprocessing).toMatchObject({ options: { scale: 1 / 255 }, sources: { scale: 'default' }, usedDefault: true });
    // The image dropped in the first case is classified again by the new model, with generic labels.
    const again = await waitForEvent(page, 'mi-result', 2, 'own');
    expect(again.detail.probabilities.map((x: { label: string }) => x.label).sort()).toEqual(['class 0', 'class 1']);
    // Typed labels apply at once (a re-classification), then a new dropped image.
    await page.type('#own-labels', 'Parasitized, Uninfected');
    await page.$eval('#own-labels', (el) => el.dispatchEvent(new Event('change')));
    const relabelled = await waitForEvent(page, 'mi-result', 3, 'own');
    expect(relabelled.detail.probabilities.map((x: { label: string }) => x.label).sort()).toEqual(['Parasitized', 'Uninfected']);
    const ref = refs.find((r) => r.path.includes('/Uninfected/'))!;
    await dropImage(join(fixtures, ref.path));
    const e = await waitForEvent(page, 'mi-result', 4, 'own');
    expect(e.detail.outputShape).toEqual([1, 1]);
    const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
    expect(Math.abs(p - sigmoid(ref.logit))).toBeLessThanOrEqual(1e-4);
  });

  it('the .keras file alone, no metadata: its Rescaling layer says raw pixels, and the answer is still Keras\'', async () => {
    await chooseModelFiles([join(MODEL_DIR, 'model.keras')]);
    const load = await waitForEvent(page, 'mi-load', 3, 'own');
    expect(load.detail.metadata).toBeUndefined();
    expect(load.detail.preprocessing).toMatchObject({ options: { scale: 1, offset: 0, height: 64, width: 64 }, usedDefault: false });
    expect(load.detail.preprocessing.sources).toMatchObject({ scale: 'graph', size: 'graph' });
    expect(load.detail.preprocessing.inputLayer).toEqual({ name: 'rescale', kerasClass: 'Rescaling' });
    await waitForEvent(page, 'mi-result', 5, 'own'); // the image shown is classified again by the new model
    const path = 'images/malaria-cells/Parasitized/' + [...cellRefs().keys()].filter((p) => p.includes('/Parasitized/')).map((p) => p.split('/').pop())[5];
    await dropImage(join(fixtures, path));
    const e = await waitForEvent(page, 'mi-result', 6, 'own');
    expect(Math.abs(e.detail.outputs[0] - sigmoid(cellRefs().get(path)!.logit))).toBeLessThanOrEqual(1e-4);
  });
});
