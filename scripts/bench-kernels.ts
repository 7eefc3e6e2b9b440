/**
 * `npm run bench:kernels -- conv2d [dense …]`: the kernel lab (bench/kernels) for the named ops, or
 * all of them without a name; each writes docs/kernels/<op>.md. Runs test/long/kernel-lab.test.ts
 * under vitest, whose global setup starts the headless Chromium page with WebGPU.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ops = process.argv.slice(2).flatMap((a) => a.split(',')).filter(Boolean);
const root = fileURLToPath(new URL('..', import.meta.url));
const r = spawnSync('npx', ['vitest', 'run', 'test/long/kernel-lab.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MI_LONG: '1', ...(ops.length ? { MI_KERNEL_LAB: ops.join(',') } : {}) },
});
process.exit(r.status ?? 1);
