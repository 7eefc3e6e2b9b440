// The sandbox worker: runs fuzz cases one at a time for sandbox.ts. Plain JS because it must
// register the TypeScript loader (tsx) before importing the engine's sources.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// Libraries write to the console on malformed files (jsfive prints attribute names, raw bytes
// and all, when it meets an HDF5 type it does not know): thousands of cases would bury the report.
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => {};
const { runCase } = await import('./targets.ts');
parentPort.on('message', async (req) => {
  const t0 = performance.now();
  const result = await runCase(req);
  parentPort.postMessage({ ...result, ms: performance.now() - t0 });
});
parentPort.postMessage({ ready: true });
