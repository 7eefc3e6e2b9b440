/**
 * The CLI's runtimes (puppeteer for headless Chromium, `webgpu` for Dawn) are optional peers of the
 * package: an app that embeds the element installs neither. This imports the first of the named
 * packages that is installed and turns "Cannot find package" into the install command.
 */
import { MissingPackageError } from '../errors.ts';

// The error lives with the others (src/errors.ts) since the ONNX export and the CPU path below the
// CLI raise it too; re-exported here for the CLI's runtimes.
export { MissingPackageError };

/** Imports the first installed package of `names`; throws MissingPackageError(`advice`) when none is. */
export async function importOptional<T>(names: readonly string[], advice: string): Promise<T> {
  let firstCause: unknown;
  for (const name of names) {
    try {
      return (await import(/* @vite-ignore */ name)) as T;
    } catch (cause) {
      if (!isNotFound(cause, name)) throw cause;
      firstCause ??= cause;
    }
  }
  throw new MissingPackageError(advice, { cause: firstCause });
}

/** True when the package itself could not be found (not when it was found and failed to load). */
export function isNotFound(err: unknown, name: string): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  const msg = String((err as Error)?.message ?? err);
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && msg.includes(name);
}

/** Whether a package can be imported from here, without importing it. */
export function isInstalled(name: string): boolean {
  try {
    import.meta.resolve(name);
    return true;
  } catch {
    return false;
  }
}
