/** Registers every `shaders/*.wgsl` by reading the folder with `fs` (Node without a bundler). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { registerShaderSources } from './shader-library.ts';

const dir = fileURLToPath(new URL('../../shaders/', import.meta.url));
const byFile: Record<string, string> = {};
for (const file of readdirSync(dir)) {
  if (file.endsWith('.wgsl')) byFile[file] = readFileSync(join(dir, file), 'utf8');
}
registerShaderSources(byFile);
