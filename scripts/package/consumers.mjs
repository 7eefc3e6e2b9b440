/**
 * The consumer projects the package test writes: each is what a new user would write after
 * `npm install medimg-webgpu`, importing the package by name only.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function write(root, files) {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
}

/** The page every browser route shows: the element on the bundled model and one real cell. */
const elementMarkup = `<mi-classifier id="cell" model="/model/model.json" src="/cell.png"></mi-classifier>`;

/**
 * A Vite app: index.html + main.js that imports the element by package name, with the model and
 * the image in public/ (where a Vite user puts static files: served by the dev server, copied by
 * the build).
 */
export function writeViteApp(root, modelDir, cellFile) {
  cpSync(modelDir, join(root, 'public', 'model'), { recursive: true });
  cpSync(cellFile, join(root, 'public', 'cell.png'));
  write(root, {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>vite consumer</title></head>
<body>${elementMarkup}<script type="module" src="/main.js"></script></body></html>\n`,
    'main.js': `import 'medimg-webgpu/element';\nimport { clearModelCache } from 'medimg-webgpu';\nwindow.miApi = { clearModelCache };\n`,
  });
}

/** A webpack 5 app with no configuration at all: src/index.js -> dist/main.js. */
export function writeWebpackApp(root) {
  write(root, {
    'src/index.js': `import 'medimg-webgpu/element';\n`,
    'dist/index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>webpack consumer</title></head>
<body>${elementMarkup}<script src="/main.js"></script></body></html>\n`,
  });
}

/**
 * No bundler: the single-file build straight from node_modules. It is imported twice under two
 * URLs (as two bundles of one app would), which must define the tag once and not throw.
 */
export function writePlainPage(root) {
  write(root, {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>plain consumer</title></head>
<body>${elementMarkup}
<script type="module" src="/pkg/dist/mi-classifier.js"></script>
<script type="module" src="/pkg/dist/mi-classifier.js?second-bundle"></script></body></html>\n`,
  });
}

/** Node ESM, no tsx: the API on Dawn predicting a real cell with the bundled model, no preprocessing options. */
export function writeNodeApp(root) {
  write(root, {
    'predict.mjs': `import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { decodeImage, loadModel, nodeGpu, readModelFiles } from 'medimg-webgpu/node';

const [cellPath] = process.argv.slice(2);
const pkgDir = createRequire(import.meta.url).resolve('medimg-webgpu/package.json').replace(/package\\.json$/, '');
const model = await loadModel(await readModelFiles(pkgDir + 'weights/malaria-cnn/model.json'), { gpu: await nodeGpu() });
const y = await model.predictImage(decodeImage(await readFile(cellPath)));
console.log(JSON.stringify({ p: y.data[0], preprocessing: model.preprocessing, adapter: model.adapterName }));
await model.dispose();
process.exit(0);
`,
  });
}

/** Importing every entry where there is no DOM and no WebGPU (server-side rendering; Node without Dawn). */
export function writeSsrCheck(root) {
  write(root, {
    'ssr.mjs': `const element = await import('medimg-webgpu/element');
const api = await import('medimg-webgpu');
if (typeof element.MiClassifier !== 'function') throw new Error('MiClassifier is not exported');
if (typeof api.loadModel !== 'function') throw new Error('loadModel is not exported');
let failure;
try { await api.loadModel('/model.json'); } catch (err) { failure = err; }
if (failure?.code !== 'WEBGPU_UNAVAILABLE') throw new Error('loadModel without WebGPU: expected WebGPUUnavailableError, got ' + failure);
// The Node entry imports without its optional peer; asking it for Dawn names the package to install.
const node = await import('medimg-webgpu/node');
const dawn = await node.nodeGpu().then(() => undefined, (err) => err);
if (!/npm install webgpu/.test(String(dawn?.message))) throw new Error('nodeGpu without webgpu: expected the install advice, got ' + dawn);
console.log('ok');
`,
  });
}

/** A strict TypeScript consumer that type-checks the package's declarations (skipLibCheck: false). */
export function writeTsApp(root) {
  write(root, {
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'ESNext',
          moduleResolution: 'bundler',
          lib: ['ES2022', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        include: ['*.ts'],
      },
      null,
      2,
    ),
    'app.ts': `import { loadModel, clearModelCache, tensor, ModelFetchError, type LoadedModel, type Model, type LoadOptions, type Tensor } from 'medimg-webgpu';
import { MiClassifier, type MiResultDetail } from 'medimg-webgpu/element';

const options: LoadOptions = { inputShape: [1, 64, 64, 3], logits: false };
export async function classify(pixels: Float32Array): Promise<number> {
  // loadModel's result runs on either backend (WebGPU: Model, WebAssembly: WasmModel) with the same calls.
  const model: LoadedModel = await loadModel('/model/model.json', options);
  const onGpu: Model = await loadModel('/model/model.json', { ...options, backend: 'webgpu' });
  await onGpu.dispose();
  const y: Tensor = await model.predict(tensor(pixels, [1, 64, 64, 3]));
  await model.dispose();
  return y.data[0];
}
export const cleared: Promise<boolean> = clearModelCache();
export const isFetchError = (e: unknown): boolean => e instanceof ModelFetchError;

// The tag is known to TypeScript: createElement returns the element's class.
const el: MiClassifier = document.createElement('mi-classifier');
el.model = '/model/model.json';
el.addEventListener('mi-result', (e) => {
  const detail = (e as CustomEvent<MiResultDetail>).detail;
  console.log(detail.probabilities[0]?.label);
});
`,
  });
}
