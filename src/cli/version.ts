/**
 * `mi --version`: the version in the package's own package.json. Found by walking up from this
 * module's file, so it works from the sources (src/cli/version.ts under tsx) and from a compiled
 * dist/cli/version.js alike; the name check skips any other package.json on the way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'medimg-webgpu';

/** The version of medimg-webgpu this module belongs to; `from` is a file URL to start at (for tests). */
export function packageVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // an unreadable package.json on the way is not ours: keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${fileURLToPath(from)}`);
    dir = up;
  }
}
