/**
 * `mi integrity`: the manifest it writes lists every file of the model with the hash the loader
 * checks (the same value `openssl dgst -sha256 -binary | base64` gives), keeps other entries, and
 * --check finds a changed file. Also guards the committed weights/malaria-cnn/integrity.json: a
 * retrained model with a stale manifest would fail to load everywhere.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrityCommand, writeIntegrityManifest } from '../../src/cli/commands/integrity.ts';
import { CliError } from '../../src/cli/commands/cli-error.ts';
import { repoRoot } from '../util/fixtures.ts';
import { tempDir } from './run-mi.ts';

const TFJS = join(repoRoot, 'test/fixtures/formats/sequential/tfjs-f32');
const KERAS = join(repoRoot, 'test/fixtures/formats/sequential/model.keras');
const MALARIA = join(repoRoot, 'weights/malaria-cnn');

/** The SRI value of a file, by Node's own hash (not the code under test). */
const sri = (path: string) => `sha256-${createHash('sha256').update(readFileSync(path)).digest('base64')}`;
const manifestIn = (dir: string) => JSON.parse(readFileSync(join(dir, 'integrity.json'), 'utf8'));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l) } };
}

describe('mi integrity', () => {
  it('writes integrity.json for a model.json and its shards (given the folder), keeping other entries', async () => {
    const dir = tempDir();
    cpSync(TFJS, dir, { recursive: true });
    writeFileSync(join(dir, 'integrity.json'), JSON.stringify({ 'notes.txt': sri(join(TFJS, 'model.json')), 'model.json': 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' }));
    const run = io();
    expect(await integrityCommand({}, [dir], run.io)).toBe(0);
    const files = ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'];
    expect(manifestIn(dir)).toEqual({
      'notes.txt': sri(join(TFJS, 'model.json')),
      ...Object.fromEntries(files.map((f) => [f, sri(join(dir, f))])),
    });
    expect(run.out).toEqual([...files.map((f) => `${sri(join(dir, f))}  ${f}`), `wrote ${join(dir, 'integrity.json')}`]);
  });

  it('a single .keras file', async () => {
    const dir = tempDir();
    cpSync(KERAS, join(dir, 'm.keras'));
    const { files } = await writeIntegrityManifest(join(dir, 'm.keras'));
    expect(files).toEqual([{ file: 'm.keras', sri: sri(KERAS) }]);
    expect(manifestIn(dir)).toEqual({ 'm.keras': sri(KERAS) });
  });

  it('--check passes on matching files, and names a changed or unlisted file (exit 1)', async () => {
    const dir = tempDir();
    cpSync(TFJS, dir, { recursive: true });
    await writeIntegrityManifest(join(dir, 'model.json'));
    const good = io();
    expect(await integrityCommand({ check: true }, [join(dir, 'model.json')], good.io)).toBe(0);
    expect(good.out).toEqual(['ok  model.json', 'ok  group1-shard1of2.bin', 'ok  group1-shard2of2.bin']);

    const shard = join(dir, 'group1-shard2of2.bin');
    const bytes = readFileSync(shard);
    bytes[0] ^= 1;
    writeFileSync(shard, bytes);
    const bad = io();
    expect(await integrityCommand({ check: true }, [dir], bad.io)).toBe(1);
    expect(bad.out[2]).toBe(`DIFFERS  group1-shard2of2.bin: integrity.json has ${sri(join(TFJS, 'group1-shard2of2.bin'))}, the file is ${sri(shard)}`);
    expect(bad.err).toEqual([`1 of 3 file(s) do not match ${join(dir, 'integrity.json')}`]);
  });

  it('refuses what is not a model, and a model.json whose shard is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.json'), '{"a": 1}');
    await expect(integrityCommand({}, [join(dir, 'notes.json')], io().io)).rejects.toThrow(/not a TF\.js model\.json, a Keras \.h5 or a \.keras file/);
    cpSync(join(TFJS, 'model.json'), join(dir, 'model.json'));
    await expect(integrityCommand({}, [dir], io().io)).rejects.toThrow(CliError);
    await expect(integrityCommand({}, [dir], io().io)).rejects.toThrow(/group1-shard1of2\.bin, a weight shard named in model\.json, is missing/);
    await expect(integrityCommand({}, [], io().io)).rejects.toThrow(/no MODEL given/);
  });

  it('the committed weights/malaria-cnn/integrity.json matches the model files', async () => {
    const listed = manifestIn(MALARIA);
    for (const f of ['model.json', 'group1-shard1of1.bin', 'model.keras']) expect(listed[f], f).toBe(sri(join(MALARIA, f)));
    expect(await integrityCommand({ check: true }, [MALARIA], io().io)).toBe(0);
    expect(await integrityCommand({ check: true }, [join(MALARIA, 'model.keras')], io().io)).toBe(0);
  });
});
