/**
 * Bad input, end to end in the browser: each broken model or input gives a typed error with a
 * message that says what is wrong (and which layer/file), never a wrong answer or a hang.
 * The broken copies are made at test time under test-artifacts/ (ignored by git).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, fixturesDir } from '../../util/fixtures.ts';
import { loadModelInPage, PageError } from '../../util/gpu.ts';
import { randomTensor } from '../../util/random.ts';

const source = join(repoRoot, 'test/fixtures/formats/sequential/tfjs-f32');
const work = join(repoRoot, 'test-artifacts/bad-input');

function variant(name: string, mutate: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(source, dir, { recursive: true });
  mutate(dir);
  return join(dir, 'model.json');
}

async function loadError(path: string): Promise<PageError> {
  try {
    const m = await loadModelInPage(path);
    await m.dispose();
  } catch (err) {
    if (err instanceof PageError) return err;
    throw err;
  }
  throw new Error(`loading ${path} succeeded but should have failed`);
}

describe('bad input gives clear, typed errors', () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
  });

  it('the intact model loads and runs (so the failures below are caused by the damage)', async () => {
    const m = await loadModelInPage(variant('intact', () => {}));
    const [y] = await m.run([randomTensor([1, 6, 6, 2], 1)]);
    expect(y.data.every(Number.isFinite)).toBe(true);
    await m.dispose();
  });

  it('truncated shard', async () => {
    const e = await loadError(variant('truncated', (d) => truncateSync(join(d, 'group1-shard2of2.bin'), 100)));
    expect(e.errorName).toBe('ModelFormatError');
    expect(e.message).toMatch(/group1-shard2of2\.bin|bytes/);
  });

  it('missing shard', async () => {
    const e = await loadError(variant('missing', (d) => unlinkSync(join(d, 'group1-shard2of2.bin'))));
    expect(e.errorName).toBe('ModelFetchError');
    expect(e.message).toMatch(/group1-shard2of2\.bin/);
  });

  it('wrong byte count (a shard with extra bytes)', async () => {
    const e = await loadError(
      variant('too-long', (d) => {
        const f = join(d, 'group1-shard1of2.bin');
        writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.alloc(12)]));
      }),
    );
    expect(e.errorName).toBe('ModelFormatError');
    expect(e.message).toMatch(/bytes/);
  });

  it('a layer class we do not know, named with the layer', async () => {
    const e = await loadError(
      variant('unknown-layer', (d) => {
        const f = join(d, 'model.json');
        const json = JSON.parse(readFileSync(f, 'utf8'));
        const layers = json.modelTopology.model_config.config.layers;
        const victim = layers[layers.length - 1];
        victim.class_name = 'FancyCapsule';
        writeFileSync(f, JSON.stringify(json));
      }),
    );
    expect(e.errorName).toBe('UnsupportedLayerError');
    expect(e.message).toMatch(/FancyCapsule/);
    expect(e.message).toMatch(/Layer "/);
  });

  it('a file that is not a model (a PNG)', async () => {
    const dir = join(fixturesDir(), 'images/malaria-cells/Parasitized');
    const png = join(dir, readdirSync(dir).find((f) => f.endsWith('.png'))!);
    const e = await loadError(png);
    expect(e.errorName).toBe('ModelFormatError');
    expect(e.message.length).toBeGreaterThan(20);
  });

  it('an input of the wrong shape', async () => {
    const m = await loadModelInPage(variant('shape', () => {}));
    try {
      await expect(m.run([randomTensor([1, 6, 6, 3], 2)])).rejects.toThrow(/channels|shape/);
      await expect(m.run([randomTensor([1, 36, 2], 2)])).rejects.toThrow(/rank|shape/);
    } finally {
      await m.dispose();
    }
  });
});
