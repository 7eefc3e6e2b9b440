/**
 * The demo's dev server (`npm start`): demo/ is the site root; the element and engine sources are
 * imported from ../src, and the model and sample images come through demo/server-plugin.ts.
 */
import { defineConfig } from 'vite';
import { demoRoutes, REPO_ROOT } from './server-plugin.ts';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [demoRoutes()],
  server: {
    // ../src and ../shaders (imported by the page); nothing else outside demo/ is served as files.
    fs: { allow: [REPO_ROOT] },
  },
  // The engine's and Lit's dependencies are plain ESM: serving them as they are avoids the
  // optimiser's mid-session "new dependencies, reloading" that would interrupt a first visit or a test.
  // CommonJS dependencies are pre-bundled at start, the only ones that need it: protobufjs (the ONNX
  // export of the WebAssembly path), dicom-parser (DICOM) and jpeg-js (JPEG decoding in loadImage).
  // onnxruntime-web is served as it is, so its .wasm stays beside its module.
  optimizeDeps: { noDiscovery: true, include: ['protobufjs/minimal.js', 'dicom-parser', 'jpeg-js'], exclude: ['onnxruntime-web'] },
});
