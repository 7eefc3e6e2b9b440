/**
 * Fuzz cases are plain JSON: which seed file, and which edits to make to it. The test process
 * generates them (fast-check), the sandbox worker turns them into bytes and runs the engine. Being
 * data, a failing case prints as a reproducer that FINDINGS.md and findings.test.ts can hold as is.
 */

/**
 * One edit of a byte string. Offsets are taken modulo the current length (+1), so any edit
 * applies to any file; `field` names what an `int` edit hits (a zip size, an HDF5 message size).
 */
export type ByteEdit =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'set'; at: number; bytes: number[] }
  | { op: 'int'; at: number; width: 1 | 2 | 4 | 8; le: boolean; value: string; field?: string }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: number[] }
  | { op: 'delete'; at: number; len: number }
  | { op: 'copy'; from: number; to: number; len: number };

/** A path into a JSON document: object keys and array indices. */
export type JsonPath = (string | number)[];

/**
 * A JSON value that may hold markers the worker expands (so huge or non-JSON values travel as a
 * few bytes): `{"$": "NaN" | "Infinity" | "-Infinity"}`, `{"$deep": n}` (n nested arrays),
 * `{"$long": n}` (a string of n characters), `{"$zeros": n}` (an array of n zeros),
 * `{"$wrap": n, "value": v}` (v inside n arrays), `{"$nest": n, "model": cfg}` (see nest-model).
 */
export type Marked = unknown;

export type JsonEdit =
  | { op: 'delete'; path: JsonPath }
  | { op: 'replace'; path: JsonPath; value: Marked }
  /** An array element twice in a row (two layers with one name, two inbound refs, ...). */
  | { op: 'duplicate'; path: JsonPath }
  /** The value wrapped in `depth` arrays. */
  | { op: 'wrap'; path: JsonPath; depth: number }
  /** The model config at `path` (holding `layers`) nested as a Sequential inside itself `depth` times. */
  | { op: 'nest-model'; path: JsonPath; depth: number }
  /** Every object under `path` with its keys in reverse order: the same document to a JSON reader. */
  | { op: 'reverse-keys'; path: JsonPath };

/** Where a file's bytes come from. Paths are `repo:<path>` or `shared:<path under ../shared/fixtures>`. */
export type FileRef =
  | { path: string }
  /** One entry of a zip on disk. */
  | { path: string; entry: string }
  /** A JSON document after edits; `text` false keeps it an object (only where the API takes objects). */
  | { json: FileRef; edits: JsonEdit[] }
  | { base: FileRef; edits: ByteEdit[] }
  /** A zip written by fflate from these entries (deflated at `level`, 0 = stored). */
  | { zip: { name: string; file: FileRef }[]; level: number }
  /** A PNG rebuilt chunk by chunk: IHDR fields replaced, the decompressed image data edited, CRCs fixed. */
  | { png: FileRef; ihdr?: Partial<PngHeader>; dataEdits?: ByteEdit[]; fixCrc: boolean }
  /** A `.npy` with its header text replaced (length field recomputed) and its data kept. */
  | { npy: FileRef; header: string }
  /** A JSON document given inline (markers allowed). */
  | { inline: Marked }
  /** `bytes` bytes of float32 values in [-1, 1), the same every time (generated weights). */
  | { random: number };

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

/** How a model is handed to readKerasModel. */
export type ModelSourceSpec =
  | { form: 'bytes'; file: FileRef }
  | { form: 'files'; files: { name: string; file: FileRef }[] }
  /** `{ modelJson, weights }`: modelJson as an object (NaN and all) after edits. */
  | { form: 'bundle'; modelJson: { json: FileRef; edits: JsonEdit[] }; weights: FileRef[] };

export type CaseRequest =
  | { target: 'model'; source: ModelSourceSpec }
  | { target: 'npy'; file: FileRef }
  | { target: 'image'; file: FileRef; channels: 1 | 3; grayscale: boolean };

/** What one case ended in, as the worker saw it. */
export type CaseResult =
  | { outcome: 'typed'; code: string; name: string; message: string }
  | { outcome: 'valid'; fingerprint: string; notes: string[] }
  /** A throw that is not an EngineError: TypeError, RangeError, a bare string, a library's error. */
  | { outcome: 'bad'; name: string; message: string; stack: string }
  /** Returned normally, but the result is malformed (NaN shapes, data not filling its shape, ...). */
  | { outcome: 'bad-result'; message: string }
  | { outcome: 'hang'; message: string }
  | { outcome: 'memory'; message: string }
  /** The fuzzer itself failed to build the input: a harness bug, always a test failure. */
  | { outcome: 'harness'; message: string };
