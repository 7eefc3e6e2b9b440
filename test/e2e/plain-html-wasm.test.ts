/**
 * The no-bundler route of the WebAssembly path (README "Without WebGPU"): the single-file element
 * (scripts/build/element.config.ts) on a plain static server, ONNX Runtime Web's module and .wasm
 * copied beside the page and named in an import map, WebGPU removed from the browser. The element
 * classifies a real cell like real Keras on WebAssembly, and the page fetches nothing but its own
 * files: the page, the element, the model, the image and ORT's two files.
 */
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer';
import { cellRefs, closeWindow, MODEL_DIR, newWindow, recordEvents, REPO_ROOT, requireFixtures, sharedBrowser, sigmoid, waitForEvent } from './demo.ts';

const CELL = 'images/malaria-cells/Parasitized/C100P61ThinF_IMG_20150918_144348_cell_141.png';
const ORT_DIST = join(REPO_ROOT, 'node_modules/onnxruntime-web/dist');
const ORT_FILES = ['ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm'];

let out: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const requests: string[] = [];

/** `/` → index.html, `/mi-classifier.js`, `/model/*`, `/cell.png`, and `/ort/<file>` for ORT's two files only. */
function staticServer(root: string, fixtures: string): Server {
  const types: Record<string, string> = {
    '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.wasm': 'application/wasm',
  };
  return createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const ort = path.startsWith('/ort/') && ORT_FILES.includes(path.slice('/ort/'.length));
    const [dir, rel] =
      path === '/' ? [root, 'index.html']
      : path === '/cell.png' ? [fixtures, CELL]
      : path.startsWith('/model/') ? [MODEL_DIR, path.slice('/model/'.length)]
      : ort ? [ORT_DIST, path.slice('/ort/'.length)]
      : [root, path.slice(1)];
    const file = resolve(dir, rel);
    if (!file.startsWith(resolve(dir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(res);
  });
}

beforeAll(async () => {
  const fixtures = requireFixtures();
  out = mkdtempSync(join(tmpdir(), 'mi-element-wasm-'));
  const { build } = await import('vite');
  await build({ configFile: join(REPO_ROOT, 'scripts/build/element.config.ts'), logLevel: 'error', build: { outDir: out, emptyOutDir: true } });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>plain, no GPU</title>
<script type="importmap">{ "imports": { "onnxruntime-web/wasm": "./ort/ort.wasm.bundle.min.mjs" } }</script></head><body>
<script type="module" src="./mi-classifier.js"></script>
<mi-classifier id="plain" model="./model/model.json" src="./cell.png"></mi-classifier>
</body></html>`,
  );
  server = staticServer(out, fixtures);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
  browser = await sharedBrowser();
  page = await newWindow(browser);
  page.on('request', (r) => requests.push(r.url()));
  await page.evaluateOnNewDocument(() => {
    delete (Navigator.prototype as { gpu?: unknown }).gpu;
  });
  await recordEvents(page);
  await page.goto(`${origin}/`);
});

afterAll(async () => {
  await closeWindow(page);
  await browser?.disconnect();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  if (out) rmSync(out, { recursive: true, force: true });
});

it('the one-file element and an import map run the model on WebAssembly like real Keras, fetching only its own files', async () => {
  const e = await waitForEvent(page, 'mi-result', 1, 'plain', 120_000);
  expect(e.detail.backend).toBe('wasm');
  expect(e.detail.backendReason).toBe('no WebGPU in this browser');
  const ref = cellRefs().get(CELL)!;
  const p = e.detail.probabilities.find((x: { label: string }) => x.label === 'Uninfected').p;
  expect(Math.abs(p - sigmoid(ref.logit))).toBeLessThanOrEqual(1e-4);
  const paths = requests.filter((u) => !u.startsWith('data:')).map((u) => {
    const url = new URL(u);
    return url.origin === origin ? url.pathname : u;
  });
  const shards: string[] = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths.map((s) => `/model/${s}`),
  );
  expect([...new Set(paths)].sort()).toEqual(
    ['/', '/cell.png', '/mi-classifier.js', '/model/metadata.json', '/model/integrity.json', '/model/model.json', ...shards, ...ORT_FILES.map((f) => `/ort/${f}`)].sort(),
  );
});
