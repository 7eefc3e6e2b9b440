#!/usr/bin/env node
// The `mi` command. The CLI is TypeScript (src/cli/main.ts), run through tsx's loader registered
// here, so the command runs the same sources as the library and the tests, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
const code = await main(process.argv.slice(2));
// Exit explicitly: Dawn, Vite and puppeteer can leave handles open after they are closed.
process.exit(code);
