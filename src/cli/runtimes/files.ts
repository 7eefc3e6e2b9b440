/** Small helpers for reading the files a runtime is given. */
import { parseJson } from '../../formats/json.ts';

/**
 * Parses a JSON file's bytes; a clear error names the file when it is not JSON or nests deeper
 * than limits.maxConfigDepth (checked before the Chromium runtime serialises it to the page, which recurses).
 */
export function parseJsonFile(bytes: Uint8Array, path: string, maxDepth?: number): unknown {
  return parseJson(new TextDecoder().decode(bytes), path, maxDepth);
}
