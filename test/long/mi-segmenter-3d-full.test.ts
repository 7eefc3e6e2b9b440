/**
 * `<mi-segmenter>` on the whole T1 at the model's own 1 mm grid (no `grid` attribute), MeshNet model5
 * on WebAssembly with `crop`, against `mi segment` with the same options: the saved NIfTI's labels
 * equal the CLI's voxel for voxel, with the T1's shape and affine, and the viewer shows the labels.
 * Minutes on a 2-core machine (test/e2e/mi-segmenter-3d.test.ts runs the same on a 128³ 2 mm grid in
 * `npm test`): `MI_LONG=1 npx vitest run test/long/mi-segmenter-3d-full.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { readNifti } from '../../src/formats/nifti/index.ts';
import { mi, show, tempDir } from '../cli/run-mi.ts';
import { closeWindow, newWindow, sharedBrowser } from '../e2e/demo.ts';
import { fixturesDir } from '../util/fixtures.ts';
import { fileUrl } from '../util/gpu.ts';

const MODEL = join(fixturesDir(), 'models', 'meshnet-model5_gw_ae-tfjs', 'model.json');
const T1 = join(fixturesDir(), 'volumes', 't1_crop.nii.gz');

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await sharedBrowser();
  page = await newWindow(browser);
  await page.goto(inject('pageUrl')); // provides ONNX Runtime Web and serves ../shared by path
  await page.evaluate(`import('/src/element/index.ts')`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
});

it('the element on the whole T1 at 1 mm saves the labels mi segment saves', async () => {
  const cliOut = join(tempDir(), 'labels.nii.gz');
  const t0 = Date.now();
  const r = await mi(['segment', MODEL, '--volume', T1, '-o', cliOut, '--backend', 'wasm', '--runtime', 'node', '--crop'], {}, 1_200_000);
  expect(r.code, show(r)).toBe(0);
  console.log(`mi segment: ${((Date.now() - t0) / 1000).toFixed(0)} s; ${r.stdout.trim()}`);

  const outcome = await page.evaluate(
    (model, src) =>
      new Promise<{ error?: string; ms?: number; nifti?: string }>((resolve) => {
        const el = document.createElement('mi-segmenter') as HTMLElement & { labelsNifti(): Uint8Array };
        el.setAttribute('backend', 'wasm');
        el.setAttribute('crop', '');
        el.addEventListener('mi-error', (e) => resolve({ error: JSON.stringify((e as CustomEvent).detail) }));
        el.addEventListener('mi-result', (e) => {
          const bytes = el.labelsNifti();
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          resolve({ ms: (e as CustomEvent).detail.ms, nifti: btoa(s) });
        });
        el.setAttribute('model', model);
        el.setAttribute('src', src);
        document.body.replaceChildren(el);
      }),
    fileUrl(MODEL),
    fileUrl(T1),
  );
  expect(outcome.error).toBeUndefined();
  console.log(`<mi-segmenter>: pipeline ${(outcome.ms! / 1000).toFixed(0)} s`);
  const saved = readNifti(new Uint8Array(Buffer.from(outcome.nifti!, 'base64')), { name: 'saved.nii.gz' });
  const fromCli = readNifti(new Uint8Array(readFileSync(cliOut)), { name: 'cli.nii.gz' });
  const t1 = readNifti(new Uint8Array(readFileSync(T1)), { name: 't1_crop.nii.gz' });
  expect(saved.shape).toEqual(t1.shape);
  expect(saved.affine).toEqual(t1.affine);
  let differ = 0;
  for (let v = 0; v < saved.data.length; v++) if (saved.data[v] !== fromCli.data[v]) differ++;
  expect(differ, 'voxels whose label differs from mi segment').toBe(0);

  await page.waitForFunction(() => document.querySelector('mi-segmenter')!.shadowRoot!.querySelectorAll('[part=slice]').length === 3, { timeout: 300_000 });
}, 1_800_000);
