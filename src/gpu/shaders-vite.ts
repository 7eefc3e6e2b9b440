/** Registers every `shaders/*.wgsl` as text through Vite's `?raw` import (browser builds, vitest). */
import { registerShaderSources } from './shader-library.ts';

const modules = import.meta.glob('../../shaders/*.wgsl', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const byFile: Record<string, string> = {};
for (const [path, code] of Object.entries(modules)) byFile[path.slice(path.lastIndexOf('/') + 1)] = code;
registerShaderSources(byFile);
