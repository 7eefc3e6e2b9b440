/**
 * The DICOM decode worker as `npm run build` ships it: the library build (scripts/build/lib.config.ts,
 * into a temporary folder) served by a plain static server, no Vite, no bundler. readDicom imported from
 * the built formats/dicom/index.js starts the worker from dist/assets/ by a URL relative to itself; the
 * worker (parser and inflater inside it) decodes JPEG-LS, JPEG 2000 and deflated fixtures, fetching the
 * codecs from codecBaseUrl, to the bytes Node gives. (The inline path could not have done it here: the
 * built decode.js imports 'dicom-parser' by its bare name, which a page without a bundler cannot resolve.)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { startStaticServer } from '../../src/cli/static-server.ts';
import type { PageServer } from '../../src/cli/page-server.ts';
import { readDicom } from '../../src/formats/dicom/index.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fixture, sha256 } from '../unit/formats/dicom-refs.ts';

const FILES = ['jpegls_lossless.dcm', 'j2k_lossless.dcm', 'deflated.dcm'];
let out = '';
let server: PageServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'mi-dicom-dist-'));
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'scripts/build/lib.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true, sourcemap: false } });
  server = await startStaticServer(out, [repoRoot]);
  const { default: puppeteer } = await import('puppeteer');
  const endpoint = inject('browserWSEndpoint');
  if (!endpoint) throw new Error(`Chromium did not start: ${inject('browserError')}`);
  browser = await puppeteer.connect({ browserWSEndpoint: endpoint, protocolTimeout: 0 });
  page = await browser.newPage();
  // Any page of the server's origin: the built modules are imported by URL below.
  await page.goto(server.pageUrl.replace(/index\.html$/, 'formats/dicom/index.js'));
});

afterAll(async () => {
  await page?.close();
  await browser?.disconnect();
  await server?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

it('the built worker lies in assets/ and decodes JPEG-LS, JPEG 2000 and deflated files to the Node bytes', async () => {
  expect(readdirSync(join(out, 'assets')).filter((f) => /^decode-worker-.*\.js$/.test(f))).toHaveLength(1);
  const moduleUrl = server!.pageUrl.replace(/index\.html$/, 'formats/dicom/index.js');
  const codecs = `${server!.fileUrl(join(repoRoot, 'node_modules'))}/`;
  for (const file of FILES) {
    // A string, not a function: vitest would rewrite a function's import() for Node.
    const got = await page!.evaluate(`(async () => {
      const { readDicom } = await import(${JSON.stringify(moduleUrl)});
      const bytes = new Uint8Array(await (await fetch(${JSON.stringify(server!.fileUrl(join(repoRoot, 'test/fixtures/dicom', file)))})).arrayBuffer());
      try {
        const image = await readDicom(bytes, { name: 'x', codecBaseUrl: ${JSON.stringify(codecs)} });
        const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength));
        return { shape: image.shape, sha256: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('') };
      } catch (err) {
        return { error: err.name + ': ' + err.message };
      }
    })()`);
    const node = await readDicom(fixture(file), { name: file });
    expect(got, file).toEqual({ shape: node.shape, sha256: sha256(node.data) });
  }
});
