/**
 * `mi predict --image` with no preprocessing flags takes the model's own preprocessing (the engine's
 * one resolution: flags > metadata.json > an input Rescaling layer > 1/255 with a notice), so the
 * bundled malaria CNN, whose first layer divides by 255, gets raw pixels and gives real Keras' answer
 * (weights/malaria-cnn/ref/test8.output.npy), by model.json or model.keras alike. Also `mi --version`.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/formats/npy.ts';
import { packageVersion } from '../../src/cli/version.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir } from './run-mi.ts';

const MODEL_DIR = join(repoRoot, 'weights/malaria-cnn');
const test8 = JSON.parse(readFileSync(join(MODEL_DIR, 'ref/test-cells.json'), 'utf8')).test8.paths as string[];
const keras = parseNpy(readFileSync(join(MODEL_DIR, 'ref/test8.output.npy'))).data;
/** test8 cell 4 (Uninfected, Keras p = 0.9448) and cell 0 (Parasitized, Keras p(Uninfected) = 0.2418). */
const UNINFECTED = { image: join(fixturesDir(), test8[4]), p: keras[4] };
const PARASITIZED = { image: join(fixturesDir(), test8[0]), p: keras[0] };
const tmp = tempDir();
const output = (path: string) => parseNpy(readFileSync(path)).data[0];

describe('mi predict --image takes the model\'s own preprocessing', () => {
  it('model.json, no flags (Chromium): metadata.json beside it says raw pixels; Keras\' probability and the label', async () => {
    const out = join(tmp, 'json.npy');
    const r = await mi(['predict', join(MODEL_DIR, 'model.json'), '--image', UNINFECTED.image, '-o', out]);
    expect(r.code, show(r)).toBe(0);
    expect(Math.abs(output(out) - UNINFECTED.p), show(r)).toBeLessThanOrEqual(1e-4);
    console.log(`model.json (Chromium): ${output(out)} vs Keras ${UNINFECTED.p}`);
    expect(r.stdout).toContain(`output [1, 1] float32 → ${out} · Uninfected ${UNINFECTED.p.toFixed(3)} · preprocessing: metadata.json (scale 1) · `);
    expect(r.stdout).toMatch(/ · chromium\n$/);
    expect(r.stderr).toBe('');
  });

  it('model.keras, no flags (node): metadata.json lists model.keras, so it applies; a Parasitized cell', async () => {
    const out = join(tmp, 'keras.npy');
    const r = await mi(['predict', join(MODEL_DIR, 'model.keras'), '--image', PARASITIZED.image, '-o', out, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(Math.abs(output(out) - PARASITIZED.p), show(r)).toBeLessThanOrEqual(1e-4);
    console.log(`model.keras (node): ${output(out)} vs Keras ${PARASITIZED.p}`);
    // One sigmoid unit: p ≤ threshold means labels[0], shown with its own probability 1 − p.
    expect(r.stdout).toContain(` · Parasitized ${(1 - PARASITIZED.p).toFixed(3)} · preprocessing: metadata.json (scale 1) · `);
    expect(r.stderr).toBe('');
  });

  it('model.keras alone beside another model\'s metadata.json: that file is passed over, the Rescaling layer says raw pixels', async () => {
    const dir = join(tmp, 'alone');
    mkdirSync(dir);
    copyFileSync(join(MODEL_DIR, 'model.keras'), join(dir, 'cells.keras'));
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ labels: ['no', 'yes'], input: { scale: 0.5 }, files: { keras: 'other.keras' } }));
    const out = join(dir, 'y.npy');
    const r = await mi(['predict', join(dir, 'cells.keras'), '--image', UNINFECTED.image, '-o', out, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(Math.abs(output(out) - UNINFECTED.p), show(r)).toBeLessThanOrEqual(1e-4);
    console.log(`cells.keras alone (node): ${output(out)} vs Keras ${UNINFECTED.p}`);
    expect(r.stdout).toContain(`→ ${out} · preprocessing: Rescaling layer (scale 1) · `);
    expect(r.stdout).not.toMatch(/ · (no|yes) /);
    expect(r.stderr).toBe('');
  });

  it('flags still win: --scale 1/255 divides the raw pixels (and the model divides again)', async () => {
    const saved = join(tmp, 'flag.input.npy');
    const out = join(tmp, 'flag.npy');
    const r = await mi(['predict', join(MODEL_DIR, 'model.json'), '--image', UNINFECTED.image, '--scale', '1/255', '--save-input', saved, '-o', out, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(' · preprocessing: flags (scale 1/255) · ');
    expect(Math.max(...parseNpy(readFileSync(saved)).data)).toBeLessThanOrEqual(1);
    expect(Math.abs(output(out) - UNINFECTED.p)).toBeGreaterThan(0.05);
    console.log(`cell ${test8[4]}: Keras ${UNINFECTED.p.toFixed(5)}, no flags (metadata) as above, --scale 1/255 ${output(out).toFixed(5)}`);
    expect(r.stderr).toBe('');
  });

  it('a model with no metadata and no Rescaling layer: 1/255 is assumed, and ONE stderr line says so and how to override', async () => {
    const model = join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/pneumonia_model.h5');
    const r = await mi(['predict', model, '--image', UNINFECTED.image, '--runtime', 'node']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toContain(' · preprocessing: default (scale 1/255) · ');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'mi predict: no metadata.json and no Rescaling or Normalization layer in pneumonia_model.h5: assumed pixels × 1/255 ' +
        '(pass --scale/--offset, or add pneumonia_model.metadata.json or metadata.json beside the model)',
    ]);
  });
});

describe('mi --version', () => {
  const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
  it('prints "mi <version>" from package.json, for --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await mi([flag]);
      expect(r, show(r)).toMatchObject({ code: 0, stdout: `mi ${version}\n`, stderr: '' });
    }
  });
  it('finds the package.json named medimg-webgpu from sources and from a compiled dist/cli, skipping others on the way', () => {
    expect(packageVersion(pathToFileURL(join(repoRoot, 'dist/cli/main.js')).href)).toBe(version);
    const pkg = join(tmp, 'installed');
    mkdirSync(join(pkg, 'node_modules/medimg-webgpu/dist/cli'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'someones-app', version: '1.0.0' }));
    writeFileSync(join(pkg, 'node_modules/medimg-webgpu/package.json'), JSON.stringify({ name: 'medimg-webgpu', version: '9.8.7' }));
    writeFileSync(join(pkg, 'node_modules/medimg-webgpu/dist/cli/package.json'), JSON.stringify({ type: 'module' }));
    expect(packageVersion(pathToFileURL(join(pkg, 'node_modules/medimg-webgpu/dist/cli/main.js')).href)).toBe('9.8.7');
  });
});
