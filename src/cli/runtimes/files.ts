/** Small helpers for reading the files a runtime is given. */
import { ModelFormatError } from '../../errors.ts';

/** Parses a JSON file's bytes; a clear error names the file when it is not JSON. */
export function parseJsonFile(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new ModelFormatError(`${path} is not valid JSON (${(cause as Error).message})`, { cause });
  }
}
