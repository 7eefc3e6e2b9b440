/**
 * `npm run build`, step 3: the page `mi` drives in headless Chromium (src/cli/page), prebuilt into
 * dist/cli-page/, so an installed package serves it from disk (src/cli/static-server.ts) and needs
 * neither Vite nor the TypeScript sources at run time. In this repository the CLI and the tests
 * serve the live sources with Vite instead (src/cli/page-server.ts).
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../../src/cli/page/', import.meta.url)),
  base: './',
  // The DICOM decode worker as an ES module, as it is started ({ type: 'module' }).
  worker: { format: 'es' },
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/cli-page/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // ONNX Runtime Web (the WebAssembly backend) stays an import, resolved by the page's import map
    // to the installed package's files (static-server.ts serves them under /ort/): bundled, its
    // 14 MB .wasm would ship inside every install of this package.
    rollupOptions: { external: ['onnxruntime-web/wasm'] },
  },
});
