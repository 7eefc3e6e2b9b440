/**
 * `npm run build`, step 2: the element, the engine, its shaders and Lit in ONE ES module,
 * dist/mi-classifier.js, for pages without a bundler (`<script type="module" src=...>`, from a CDN
 * or the app's own folder). Minified.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  root,
  // The library needs no public folder; the repo root's files must not be copied into dist/.
  publicDir: false,
  logLevel: 'warn',
  // The DICOM decode worker is emitted beside this file (dist/assets/); './' keeps its URL relative
  // to mi-classifier.js wherever an app serves it.
  base: './',
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    // No source map: it would be 1.7 MB (Lit and the engine), more than the module itself, in
    // every install. Bundler users get per-module maps with the sources (dist/**/*.js.map).
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('../../src/element/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'mi-classifier.js',
    },
    // Vite leaves whitespace in ES library builds (for other bundlers' sake); this file goes to
    // browsers as it is, so the bundler's own minifier takes it all out.
    // One file: the lazy parts (protobufjs for the ONNX export of the WebAssembly path) go inside it
    // rather than into chunks beside it, which a page copying this one file would lack.
    rollupOptions: { output: { minify: true, codeSplitting: false } },
  },
});
