#!/usr/bin/env node
// The `mi` command. In this repository it runs the TypeScript sources (src/cli/main.ts) through
// tsx, so the command, the library and the tests run the same code with no build step. Installed
// from npm there are no sources: it runs the built dist/cli/main.js with plain Node.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/main.js', import.meta.url);

let entry;
if (existsSync(sources) && (await canImport('tsx/esm/api'))) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = sources;
} else if (existsSync(built)) {
  entry = built;
} else {
  process.stderr.write('mi: neither the sources with tsx (npm install) nor the build (npm run build) are here\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv.slice(2));
// Exit explicitly: Dawn, Vite and puppeteer can leave handles open after they are closed.
process.exit(code);

async function canImport(name) {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}
