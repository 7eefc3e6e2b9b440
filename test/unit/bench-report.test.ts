/** Benchmark statistics and report tables (no GPU). */
import { describe, expect, it } from 'vitest';
import { comparisonTable, quantile, ratioText, summarise, type BenchRecord } from '../../src/cli/commands/bench-report.ts';
import { autoTable, wasmRatioText, wasmTable } from '../../src/cli/commands/bench-wasm-report.ts';
import { toTfjsBundle } from '../../bench/page/tfjs-bundle.ts';
import type { KerasModel } from '../../src/formats/keras-model.ts';

describe('bench statistics', () => {
  it('interpolates quantiles and summarises runs', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.1)).toBeCloseTo(1, 12);
    expect(summarise([5, 1, 4, 2, 3])).toEqual({ medianMs: 3, p10Ms: 1.4, p90Ms: 4.6, runs: 5 });
  });
  it('states the ratio as ours faster or slower', () => {
    expect(ratioText(10, 30)).toBe('ours 3.00× faster');
    expect(ratioText(10, 5)).toBe('ours 2.00× slower');
    expect(ratioText(undefined, 5)).toBe('–');
  });
  it('puts each peer against ours of the same model and batch, failures in their row', () => {
    const base = { adapter: 'a', runs: 10, p10Ms: 1, p90Ms: 2 };
    const rows: BenchRecord[] = [
      { ...base, model: 'm', runtime: 'ours', batch: 1, coldMs: 100, medianMs: 10, peakBytes: 2 ** 20 },
      { ...base, model: 'm', runtime: 'tfjs-wasm', batch: 1, coldMs: 50, medianMs: 5 },
      { ...base, model: 'm', runtime: 'tfjs-webgl', batch: 1, error: 'no | webgl' },
    ];
    const t = comparisonTable(rows);
    expect(t).toHaveLength(5);
    expect(t[2]).toContain('| m | 1 | ours | 100 | 10.0 | 1.00–2.00 | 10 | – | 1.0 | (reference) |');
    expect(t[3]).toContain('ours 2.00× slower');
    expect(t[4]).toContain('failed: no / webgl');
  });
});

describe('the WebAssembly tables (issue 12)', () => {
  const base = { adapter: 'a', runs: 10, p10Ms: 1, p90Ms: 2 };
  it('puts ours-wasm against ORT WASM and TF.js WASM of the same model and batch', () => {
    const rows: BenchRecord[] = [
      { ...base, model: 'm', runtime: 'ours', batch: 1, coldMs: 100, medianMs: 10 },
      { ...base, model: 'm', runtime: 'ours-wasm', batch: 1, coldMs: 300, medianMs: 21 },
      { ...base, model: 'm', runtime: 'ort-wasm', batch: 1, coldMs: 250, medianMs: 20 },
      { ...base, model: 'm', runtime: 'tfjs-wasm', batch: 1, coldMs: 90, medianMs: 42 },
      { ...base, model: 'm', runtime: 'ours-wasm', batch: 8, error: 'output differs | from ours' },
    ];
    const t = wasmTable(rows);
    const table = t.filter((l) => l.startsWith('| m |'));
    expect(table).toHaveLength(2);
    expect(table[0]).toBe('| m | 1 | 21.0 | 20.0 | ours-wasm 1.05× slower | 42.0 | ours-wasm 2.00× faster | 300 | 250 |');
    expect(table[1]).toContain('failed: output differs / from ours');
    // A batch without the peer's cell says so rather than inventing a ratio.
    expect(wasmTable([{ ...base, model: 'n', runtime: 'ours-wasm', batch: 1, medianMs: 5, coldMs: 9 }]).find((l) => l.startsWith('| n |'))).toBe(
      '| n | 1 | 5.00 | – | – | – | – | 9.00 | – |',
    );
    expect(wasmTable(rows.filter((r) => r.runtime !== 'ours-wasm'))).toEqual([]);
    expect(wasmRatioText(10, 11)).toBe('ours-wasm 1.10× faster');
  });

  it("reports what backend 'auto' picked per model, and why, failures in their row", () => {
    const t = autoTable([
      { model: 'm', backend: 'wasm', reason: 'software adapter (SwiftShader): WebAssembly is faster', adapter: 'WebAssembly (ONNX Runtime Web)', coldMs: 812.4 },
      { model: 'x', error: 'no | module' },
    ]);
    expect(t).toContain('| m | wasm | software adapter (SwiftShader): WebAssembly is faster | WebAssembly (ONNX Runtime Web) | 812 |');
    expect(t).toContain('| x | failed | no / module | | |');
    expect(autoTable([])).toEqual([]);
  });
});

describe('TF.js bundle', () => {
  it('writes a Keras-2-dialect functional config and <layer>/<weight> specs in one shard', () => {
    const keras: KerasModel = {
      name: 'n',
      className: 'Sequential',
      kerasVersion: '3.5.0',
      format: 'keras',
      inputs: [{ layer: 'in', nodeIndex: 0, tensorIndex: 0 }],
      outputs: [{ layer: 'd', nodeIndex: 0, tensorIndex: 0 }],
      inputShapes: [[null, 4]],
      layers: [
        { name: 'in', className: 'InputLayer', config: { batch_shape: [null, 4], optional: false }, inbound: [], weights: [] },
        {
          name: 'd',
          className: 'Dense',
          config: { units: 2, lora_rank: null },
          inbound: [[{ layer: 'in', nodeIndex: 0, tensorIndex: 0 }]],
          weights: [
            { name: 'kernel', shape: [4, 2], data: new Float32Array(8).fill(1) },
            { name: 'bias', shape: [2], data: new Float32Array([2, 3]) },
          ],
        },
      ],
    };
    const b = toTfjsBundle(keras);
    const cfg = b.modelTopology.config as { layers: { config: Record<string, unknown>; inbound_nodes: unknown }[]; input_layers: unknown };
    expect(cfg.layers[0].config).toEqual({ name: 'in', batch_input_shape: [null, 4], dtype: 'float32', sparse: false });
    expect(cfg.layers[1].config).toEqual({ units: 2, name: 'd' });
    expect(cfg.layers[1].inbound_nodes).toEqual([[['in', 0, 0, {}]]]);
    expect(cfg.input_layers).toEqual([['in', 0, 0]]);
    expect(b.weightSpecs.map((w) => w.name)).toEqual(['d/kernel', 'd/bias']);
    expect(Array.from(new Float32Array(b.weightData)).slice(-2)).toEqual([2, 3]);
  });
});
