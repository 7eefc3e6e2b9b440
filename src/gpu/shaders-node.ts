/**
 * Registers every `shaders/*.wgsl` by reading the folder with `fs` (Node without a bundler). The
 * package ships `shaders/` beside `dist/`, and this module sits two folders below the package root
 * both as src/gpu/shaders-node.ts and as dist/gpu/shaders-node.js, so one relative path serves both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { registerShaderSources } from './shader-library.ts';

// Not a literal inside new URL(): bundlers would try to resolve a folder as an asset at build time.
const SHADER_DIR = '../../shaders/';
const dir = fileURLToPath(new URL(SHADER_DIR, import.meta.url));
const byFile: Record<string, string> = {};
for (const file of readdirSync(dir)) {
  if (file.endsWith('.wgsl')) byFile[file] = readFileSync(join(dir, file), 'utf8');
}
registerShaderSources(byFile);
