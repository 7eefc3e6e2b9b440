/**
 * `mi predict` end to end, as a child process: real Keras files → .npy compared with Keras'
 * references, on the Chromium (default) and Node runtimes, with --image preprocessing checked
 * against real TensorFlow's tensor.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, toNpy } from '../../src/formats/npy.ts';
import type { Tensor } from '../../src/tensor.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const npy = (path: string): Tensor => parseNpy(readFileSync(path), path);

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** The one-line summary: `output [2, 1] float32 → y.npy · 812.3 ms (run 45.1 ms) · WebGPU: ... · chromium`. */
const SUMMARY = /^outputs? (\[[\d, ]+\] ?)+ float32 (→|=) .+ · [\d.]+ ms \(run [\d.]+ ms(, incl\. compile)?\) · WebGPU: .+ · (chromium|node)\n$/;

const tmp = tempDir();
const PNEUMONIA = () => join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5');

describe('mi predict on the pneumonia .h5 (Keras 2, Sequential) vs Keras', () => {
  it.each(['chromium', 'node'])('%s runtime: output within 1e-4 of model.predict', async (runtime) => {
    const out = join(tmp, `pneumonia-${runtime}.npy`);
    const r = await mi(['predict', join(PNEUMONIA(), 'pneumonia_model.h5'), '--input', join(PNEUMONIA(), 'ref/pmnist2.input.npy'), '--output', out, '--runtime', runtime]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(SUMMARY);
    expect(r.stdout).toContain(`output [2, 1] float32 → ${out}`);
    expect(r.stdout.trimEnd().endsWith(` · ${runtime}`)).toBe(true);
    expect(maxAbsDiff(npy(out), npy(join(PNEUMONIA(), 'ref/pmnist2.output.npy')))).toBeLessThanOrEqual(1e-4);
  });
});

describe('mi predict --image (malaria cell PNG, malaria .h5)', () => {
  const preprocDir = join(repoRoot, 'test/fixtures/malaria-preproc');
  it('preprocesses exactly as TF (decode, resize bilinear half-pixel, /255) and matches Keras on the output', async () => {
    expect(existsSync(join(preprocDir, 'index.json')), 'test/fixtures/malaria-preproc is missing').toBe(true);
    const index = JSON.parse(readFileSync(join(preprocDir, 'index.json'), 'utf8'));
    const item = index.items[1] as { file: string; path: string; prob: number };
    const saved = join(tmp, 'cell.input.npy');
    const out = join(tmp, 'cell.npy');
    const r = await mi(['predict', join(fixturesDir(), 'models/malaria-resnet-keras2-h5/malaria_model.h5'), '--image', join(fixturesDir(), item.path), '--save-input', saved, '--output', out]);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(SUMMARY);
    // The colleague's tensor comes from real TF; ours is bit-identical (float32 x / 255).
    expect(maxAbsDiff(npy(saved), npy(join(preprocDir, item.file)))).toBeLessThanOrEqual(1e-7);
    const y = npy(out);
    expect(y.shape).toEqual([1, 1]);
    // The same cell in the 500-cell reference (real Keras 3.15 on TF 2.21).
    const ref = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/malaria-cells-ref.json'), 'utf8')).items.find(
      (c: { path: string }) => c.path === item.path,
    );
    expect(Math.abs(y.data[0] - ref.prob)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(y.data[0] - item.prob)).toBeLessThanOrEqual(1e-4);
  });
});

describe('mi predict: formats and outputs', () => {
  it('a two-output Keras 3 .keras writes y.0.npy and y.1.npy in Keras output order (node runtime)', async () => {
    const dir = join(repoRoot, 'test/fixtures/keras/branch_merge');
    const out = join(tmp, 'bm.npy');
    const r = await mi(['predict', join(dir, 'model.keras'), '--input', join(dir, 'input.npy'), '-o', out, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(`outputs [2, 4] [2, 3] float32 → ${join(tmp, 'bm.0.npy')}, ${join(tmp, 'bm.1.npy')}`);
    expect(maxAbsDiff(npy(join(tmp, 'bm.0.npy')), npy(join(dir, 'output0.npy')))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(npy(join(tmp, 'bm.1.npy')), npy(join(dir, 'output1.npy')))).toBeLessThanOrEqual(1e-4);
  });

  it('weights-only .h5 + --architecture and a tfjs model.json (shards over HTTP) in Chromium equal the full .h5', async () => {
    const dir = join(repoRoot, 'test/fixtures/formats/sequential');
    const x = join(tmp, 'seq.npy');
    writeFileSync(x, toNpy({ shape: [2, 6, 6, 2], data: Float32Array.from({ length: 144 }, (_, i) => Math.sin(i)) }));
    const runs = [
      [join(dir, 'model.h5'), '--runtime', 'node'],
      [join(dir, 'weights.h5'), '--architecture', join(dir, 'arch.json')],
      [join(dir, 'tfjs-f32/model.json')],
    ];
    // Concurrently: each is a separate process, and most of the time is start-up.
    const outs = await Promise.all(
      runs.map(async (args, i) => {
        const out = join(tmp, `seq${i}.npy`);
        const r = await mi(['predict', ...args, '--input', x, '--output', out]);
        expect(r.code, show(r)).toBe(0);
        return npy(out);
      }),
    );
    expect(maxAbsDiff(outs[1], outs[0])).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(outs[2], outs[0])).toBeLessThanOrEqual(1e-5);
  });
});
