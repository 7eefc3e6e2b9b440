/**
 * The benchmark's WebAssembly tables (issue 12), pure like bench-report.ts: our WebAssembly path
 * (`ours-wasm`: loadModel with backend 'wasm', our export run by ONNX Runtime Web) against ONNX
 * Runtime's own WASM cell (the same runtime on the bench's export with a static batch) and TF.js's
 * WASM backend, per model and batch; and what `backend: 'auto'` picked for each model on this machine.
 */
import type { BenchRecord } from './bench-report.ts';

/** What loadModel's 'auto' chose for one model here (or why it could not load). */
export interface AutoRecord {
  model: string;
  backend?: string;
  reason?: string;
  adapter?: string;
  /** Load → first result at batch 1, on the backend it chose. */
  coldMs?: number;
  error?: string;
}

export const WASM_HEADING = 'Our WebAssembly path vs ONNX Runtime WASM and TF.js WASM';
export const AUTO_HEADING = "backend: 'auto' on this machine";

const ms = (x: number | undefined) => (x === undefined ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (s: string) => s.replace(/\|/g, '/');

/** "ours-wasm 1.04× slower" / "ours-wasm 2.10× faster": the peer's time over ours-wasm's. */
export function wasmRatioText(oursWasm: number | undefined, peer: number | undefined): string {
  if (!oursWasm || !peer) return '–';
  const r = peer / oursWasm;
  return r >= 1 ? `ours-wasm ${r.toFixed(2)}× faster` : `ours-wasm ${(1 / r).toFixed(2)}× slower`;
}

/** One row per model × batch that has an ours-wasm cell; empty when none ran. */
export function wasmTable(records: readonly BenchRecord[]): string[] {
  const mine = records.filter((r) => r.runtime === 'ours-wasm');
  if (mine.length === 0) return [];
  const find = (r: BenchRecord, runtime: string) => records.find((o) => o.model === r.model && o.batch === r.batch && o.runtime === runtime && !o.error);
  const out = [
    `## ${WASM_HEADING}`,
    '',
    'The same weights and input in the same page, one WebAssembly thread each. ours-wasm is `loadModel(..., { backend: \'wasm\' })`: our graph after',
    'its passes, exported with the batch fixed, run by ONNX Runtime Web\'s WASM EP; ort-wasm runs the same export in a bare ORT session, so the',
    'difference is what our model adds around it (input checks, the call queue). ours-wasm runs right after ort-wasm, so both meet the page in the',
    'same state. Steady state: median ms (upload, predict, read back); cold: load → first result.',
    '',
    '| model | batch | ours-wasm median ms | ort-wasm median ms | vs ORT WASM | tfjs-wasm median ms | vs TF.js WASM | ours-wasm cold ms | ort-wasm cold ms |',
    '|---|---:|---:|---:|---|---:|---|---:|---:|',
  ];
  for (const r of mine) {
    if (r.error) {
      out.push(`| ${r.model} | ${r.batch} | failed: ${cell(r.error).slice(0, 160)} | | | | | | |`);
      continue;
    }
    const ort = find(r, 'ort-wasm');
    const tf = find(r, 'tfjs-wasm');
    out.push(
      `| ${r.model} | ${r.batch} | ${ms(r.medianMs)} | ${ms(ort?.medianMs)} | ${wasmRatioText(r.medianMs, ort?.medianMs)} | ` +
        `${ms(tf?.medianMs)} | ${wasmRatioText(r.medianMs, tf?.medianMs)} | ${ms(r.coldMs)} | ${ms(ort?.coldMs)} |`,
    );
  }
  out.push('');
  return out;
}

/** One row per model: the backend 'auto' took here and the reason it gives (model.backendReason). */
export function autoTable(autos: readonly AutoRecord[]): string[] {
  if (autos.length === 0) return [];
  const out = [
    `## ${AUTO_HEADING}`,
    '',
    'What `loadModel(source)` (backend \'auto\', the default, no device given) chose for each model in this page, and why; load → first result at batch 1.',
    '',
    '| model | picked | why | runs on | load → first result ms |',
    '|---|---|---|---|---:|',
  ];
  for (const a of autos) {
    out.push(
      a.error
        ? `| ${a.model} | failed | ${cell(a.error).slice(0, 160)} | | |`
        : `| ${a.model} | ${a.backend} | ${cell(a.reason ?? '')} | ${cell(a.adapter ?? '')} | ${ms(a.coldMs)} |`,
    );
  }
  out.push('');
  return out;
}
