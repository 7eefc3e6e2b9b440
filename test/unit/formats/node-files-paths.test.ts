/**
 * Reading a model from disk reads only what it was given: a model.json whose manifest names a
 * shard outside its folder is refused before anything there is read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ModelFormatError } from '../../../src/errors.ts';
import { readModelFiles } from '../../../src/formats/node-files.ts';

const root = mkdtempSync(join(tmpdir(), 'mi-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function modelJson(paths: string[]): string {
  return JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] });
}

it('a shard beside or below model.json is read', async () => {
  mkdirSync(join(root, 'm', 'w'), { recursive: true });
  writeFileSync(join(root, 'm', 'w', 'a.bin'), new Uint8Array([1, 2]));
  writeFileSync(join(root, 'm', 'model.json'), modelJson(['w/a.bin']));
  const { files } = await readModelFiles(join(root, 'm', 'model.json'));
  expect([...files.get('w/a.bin')!]).toEqual([1, 2]);
});

it.each([['../secret.bin'], ['w/../../secret.bin'], [join(root, 'secret.bin')]])('a shard at %s, outside the folder, is refused', async (shard) => {
  writeFileSync(join(root, 'secret.bin'), new Uint8Array([9]));
  writeFileSync(join(root, 'm', 'model.json'), modelJson([shard]));
  const err = await readModelFiles(join(root, 'm', 'model.json')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ModelFormatError);
  expect((err as Error).message).toMatch(/outside its own folder/);
});
