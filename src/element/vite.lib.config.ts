/**
 * `npm run build:element`: the element, the engine, its shaders and Lit in one ES module,
 * dist/mi-classifier.js, for pages without a bundler (`<script type="module" src=...>`).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  root,
  // The library needs no public folder; the repo root's files must not be copied into dist/.
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    lib: {
      entry: fileURLToPath(new URL('./index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'mi-classifier.js',
    },
  },
});
