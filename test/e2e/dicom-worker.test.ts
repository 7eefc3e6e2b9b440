/**
 * readDicom in headless Chromium: in a window it decodes in its module Worker, loading CharLS and
 * OpenJPEG's WebAssembly from the Vite dev server's /node_modules/ (the default codecBaseUrl); the
 * JPEG-LS and JPEG 2000 fixtures (and RLE, JPEG baseline colour, 12-bit JPEG) decode to the same
 * float32 bytes as in Node (which equal pydicom's, test/unit/formats/dicom-read.test.ts). A codec
 * folder that serves nothing gives MissingPackageError with the install command; a worker ended
 * under a read (as a crash would) and an aborted read reject typed, never hang, and the next read works.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { readDicom } from '../../src/formats/dicom/index.ts';
import type { Decoded, Failure } from '../browser/dicom-worker.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { fileUrl } from '../util/gpu.ts';
import { fixture, sha256 } from '../unit/formats/dicom-refs.ts';

const DICOM = join(repoRoot, 'test', 'fixtures', 'dicom');
const FILES = ['jpegls_lossless.dcm', 'j2k_lossless.dcm', 'j2k_lossy.dcm', 'rgb_rle.dcm', 'ybr422_jpeg.dcm', 'jpeg12_extended.dcm'];

let browser: Browser | undefined;
let page: Page | undefined;

beforeAll(async () => {
  const { default: puppeteer } = await import('puppeteer');
  const endpoint = inject('browserWSEndpoint');
  if (!endpoint) throw new Error(`Chromium did not start: ${inject('browserError')}`);
  browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 0 });
  page = await browser.newPage();
  await page.goto(inject('pageUrl'));
});

afterAll(async () => {
  await page?.close();
  await browser?.disconnect();
});

function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  return page!.evaluate(`import('/test/browser/dicom-worker.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

describe('readDicom in Chromium (decode worker)', () => {
  it('JPEG-LS, JPEG 2000 (lossless and lossy), RLE colour, YBR JPEG, 12-bit JPEG: the worker decodes them to the Node bytes', async () => {
    const r = await call<{ results: (Decoded | Failure)[]; before: number; after: number; running: boolean }>(
      'decodeInPage', FILES.map((f) => fileUrl(join(DICOM, f))));
    expect(r.running).toBe(true);
    expect(r.after - r.before).toBe(FILES.length);
    for (const [i, file] of FILES.entries()) {
      const node = await readDicom(fixture(file), { name: file });
      expect(r.results[i], file).toEqual({ shape: node.shape, sha256: sha256(node.data), description: node.description });
    }
  });

  it('worker: false decodes in the window to the same bytes', async () => {
    for (const file of ['jpegls_lossless.dcm', 'j2k_lossless.dcm']) {
      const r = await call<Decoded | Failure>('decodeInline', fileUrl(join(DICOM, file)));
      const node = await readDicom(fixture(file), { name: file });
      expect(r, file).toEqual({ shape: node.shape, sha256: sha256(node.data), description: node.description });
    }
  });

  it('codecs not served where codecBaseUrl says: MissingPackageError naming the syntax and the install command', async () => {
    const failure = await call<Failure>('missingCodec', fileUrl(join(DICOM, 'jpegls_lossless.dcm')));
    expect(failure, failure.message).toMatchObject({ name: 'MissingPackageError', code: 'MISSING_PACKAGE' });
    expect(failure.message).toContain('1.2.840.10008.1.2.4.80 (JPEG-LS Lossless)');
    expect(failure.message).toContain('npm install @cornerstonejs/codec-charls');
    expect(failure.message).toContain('/nowhere/@cornerstonejs/codec-charls/dist/charlswasm_decode.js');
  });

  it('the worker ended under a read, and an aborted read: typed rejections, then the next read works', async () => {
    const big = fileUrl(join(fixturesDir(), 'dicom', 'jpeg_baseline_8bit.dcm'));
    const r = await call<{ ended: Failure | string; aborted: Failure | string; next: Decoded | Failure }>(
      'workerEndsMidRead', big, fileUrl(join(DICOM, 'j2k_lossless.dcm')));
    expect(r.ended).toMatchObject({ name: 'DicomFormatError', code: 'DICOM_FORMAT', message: 'big.dcm: the DICOM decode worker was terminated' });
    expect(r.aborted).toMatchObject({ name: 'AbortError', code: 'ABORTED' });
    expect((r.aborted as Failure).message).toContain('the user closed the study');
    const node = await readDicom(fixture('j2k_lossless.dcm'));
    expect(r.next).toMatchObject({ shape: [64, 64], sha256: sha256(node.data) });
  });
});
