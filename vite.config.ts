import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const shared = fileURLToPath(new URL('../shared', import.meta.url));

export default defineConfig({
  root,
  server: {
    // The demo gallery and the tests read ../shared/fixtures by path; nothing is copied.
    fs: { allow: [root, shared] },
  },
  test: {
    // test/long holds whole-data-set runs with npm scripts of their own (see package.json).
    include: process.env.MI_LONG ? ['test/long/**/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: process.env.MI_LONG ? [] : ['test/long/**', 'node_modules/**'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
