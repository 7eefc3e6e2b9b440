// The sandbox worker: runs fuzz cases one at a time for sandbox.ts. Plain JS because it must
// register the TypeScript loader (tsx) before importing the engine's sources.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runCase } = await import('./targets.ts');
parentPort.on('message', async (req) => {
  const t0 = performance.now();
  const result = await runCase(req);
  parentPort.postMessage({ ...result, ms: performance.now() - t0 });
});
parentPort.postMessage({ ready: true });
