/**
 * Where WGSL source text comes from. Shaders are hand-written files in `shaders/`; the page build
 * (Vite `?raw`) and Node (`fs`) each register them here once, and kernels ask for them by file name.
 *
 * A kernel may be linked from several whole files (e.g. `lib_activation.wgsl` + `conv2d_grouped.wgsl`), joined in
 * the order its op module lists them. This is linking, not templating: no file is edited or spliced.
 */

const sources = new Map<string, string>();

/** Registers shader sources by file name ("conv2d_grouped.wgsl"). Later registrations replace earlier ones. */
export function registerShaderSources(files: Record<string, string>): void {
  for (const [name, code] of Object.entries(files)) sources.set(name, code);
}

/** True once any loader has registered sources. */
export function hasShaderSources(): boolean {
  return sources.size > 0;
}

/** The linked WGSL of a kernel made of the given files, in order. */
export function linkShader(files: readonly string[]): string {
  if (sources.size === 0) {
    throw new Error(
      'No WGSL shaders are registered: import the engine through src/index.ts (browser/Vite) or src/node.ts (Node).',
    );
  }
  return files
    .map((file) => {
      const code = sources.get(file);
      if (code === undefined) throw new Error(`Shader file "${file}" is not in shaders/`);
      return `// ---- ${file} ----\n${code}`;
    })
    .join('\n');
}
