/**
 * The shape of docs/correctness.json: one record per measured case, written by the model tests and
 * the validate/conformance runs (test/util/record-correctness.ts), read by scripts/docs-correctness.ts
 * to generate docs/correctness.md and the README's Correctness table. Nothing in it is typed by hand
 * except the `artefact` records, which quote a committed result the tests cannot rerun in time
 * (validate:meshnet takes half an hour to hours) and say which commit they quote.
 */

/** Agreement of discrete answers (classifier decisions, segmentation labels). */
export interface Agreement {
  same: number;
  total: number;
}

/** Where a record's numbers were measured: our WebGPU kernels, or our export run by ONNX Runtime Web's WASM provider. */
export type CorrectnessBackend = 'webgpu' | 'wasm';

export interface CorrectnessRecord {
  /** Unique and stable: `<group>/<case>`, and `<group>/<case>@wasm` on WebAssembly (correctnessKey). Re-running a case replaces its record. */
  key: string;
  /** Absent means WebGPU (every record before the WebAssembly path existed). */
  backend?: CorrectnessBackend;
  /** The README row this case belongs to; the row shows the worst of its cases. */
  group: string;
  /** The row's words (the model, how it was made). The same for every case of a group. */
  title: string;
  /** What the row's input is (e.g. "2 cells, 224×224×3"). The same for every case of a group. */
  input: string;
  /** The case within the group (a model, a file format, an output). */
  case: string;
  /** What was compared: 'logits', 'outputs' (after the last activation) or 'labels'. */
  measure: 'logits' | 'outputs' | 'labels';
  /** What the engine was compared with. */
  reference: string;
  /** max |engine − reference| over every compared value. */
  maxAbs?: number;
  /** max |engine − reference| / |reference| where |reference| > 1e-6. */
  maxRel?: number;
  /** The bound the test asserts, as the test states it. */
  bound: string;
  decisions?: Agreement;
  labels?: Agreement;
  /** Balanced accuracy of the engine's and of the reference's decisions, where labels are known. */
  accuracy?: { engine: number; reference: number };
  /** Values compared (after batching). */
  values?: number;
  /** Wall seconds of the whole case (SwiftShader, shared machine: a rough size, not a benchmark). */
  seconds?: number;
  /** Shader files of the plan that ran (from the plan's steps), sorted; absent where the run cannot tell. */
  kernels?: string[];
  /** What produced the record: the test file, or the npm script. */
  source: string;
  /** UTC date of the run (YYYY-MM-DD). */
  date: string;
  /** Commit the run was made on; `+dirty` when src/ or shaders/ had uncommitted changes. */
  commit: string;
  adapter: string;
  /** For records quoting an older artefact instead of a run: where the result is written down. */
  artefact?: string;
}

/** The key a record is filed under: the WebGPU key unchanged, the WebAssembly one beside it. */
export function correctnessKey(r: { group: string; case: string; backend?: CorrectnessBackend }): string {
  return `${r.group}/${r.case}${r.backend === 'wasm' ? '@wasm' : ''}`;
}

export interface CorrectnessFile {
  /** What this file is and how to regenerate it (kept in the file, so it explains itself). */
  about: string;
  records: Record<string, CorrectnessRecord>;
}

export const CORRECTNESS_ABOUT =
  'Written by the model tests (MI_RECORD_CORRECTNESS=1) and npm run validate:malaria / validate:meshnet / conformance; ' +
  'docs/correctness.md and the README Correctness table are generated from it by npm run docs:correctness. Do not edit by hand.';
