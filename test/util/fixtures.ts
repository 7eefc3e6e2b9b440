/**
 * Where the shared, read-only fixtures live (`../shared/fixtures` beside the repository root).
 * Tests that need them must fail, never skip, when the folder is missing.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/util/fixtures.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the shared fixtures folder; throws a clear error when it is missing. */
export function fixturesDir(): string {
  const dir = resolve(repoRoot, '..', 'shared', 'fixtures');
  if (!existsSync(join(dir, 'README.md'))) {
    throw new Error(
      `Shared fixtures not found at ${dir}. They sit beside the checkout (../shared/fixtures) on every ` +
        `development machine and in CI; these tests need them and do not skip.`,
    );
  }
  return dir;
}
