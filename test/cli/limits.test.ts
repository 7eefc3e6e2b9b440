/**
 * `mi predict` on hostile and unusual inputs: every limit (src/limits.ts) fails in ONE line on
 * stderr that names the limit's flag, before any allocation of that size; invalid model configs
 * name the layer and attribute; invalid JSON reads the same in both runtimes; and valid inputs the
 * Chromium runtime used to refuse (paths with `#`, `%`, `?` and spaces, a model file without an
 * extension) work. A batch forced into chunks still matches real Keras.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNpy, toNpy } from '../../src/formats/npy.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { repoRoot } from '../util/fixtures.ts';
import { jpegHeaderOnly, pngBomb, pngHeaderOnly } from '../util/hostile-images.ts';
import { mi, show, tempDir, type MiResult } from './run-mi.ts';

const tmp = tempDir();
const MALARIA = join(repoRoot, 'weights/malaria-cnn');
const SMALL = join(repoRoot, 'test/fixtures/formats/sequential/model.h5'); // [?, 6, 6, 2]
const SMALL_IN = join(tmp, 'small.npy');
const CELL = join(repoRoot, 'test/cli/fixtures/decode/rgb8.png');
const X882 = join(tmp, 'x882.npy');

/** The failure contract: exit `code`, nothing on stdout, exactly one line on stderr matching `pattern`. */
function expectOneLineFailure(r: MiResult, pattern: RegExp, code = 1): string {
  expect(r.code, show(r)).toBe(code);
  expect(r.stdout, show(r)).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, show(r)).toHaveLength(1);
  expect(lines[0]).toMatch(/^mi predict: /);
  expect(lines[0]).toMatch(pattern);
  return lines[0];
}

/** A weightless TF.js Sequential on [null, 8, 8, 2] in `tmp/<dir>/model.json`. */
function tfjsModel(dir: string, layers: object[], inputShape: (number | null)[] = [null, 8, 8, 2]): string {
  mkdirSync(join(tmp, dir), { recursive: true });
  const input = { class_name: 'InputLayer', config: { name: 'x', dtype: 'float32', batch_input_shape: inputShape } };
  const topology = { class_name: 'Sequential', config: { name: dir, layers: [input, ...layers] } };
  const path = join(tmp, dir, 'model.json');
  writeFileSync(path, JSON.stringify({ format: 'layers-model', modelTopology: { keras_version: '2.15.0', model_config: topology }, weightsManifest: [] }));
  return path;
}

const file = (dir: string, name: string, content: string | Uint8Array): string => {
  mkdirSync(join(tmp, dir), { recursive: true });
  writeFileSync(join(tmp, dir, name), content);
  return join(tmp, dir, name);
};

beforeAll(() => {
  writeFileSync(SMALL_IN, toNpy({ shape: [1, 6, 6, 2], data: new Float32Array(72) }));
  writeFileSync(X882, toNpy({ shape: [1, 8, 8, 2], data: new Float32Array(128).fill(0.5) }));
  writeFileSync(join(tmp, 'huge.png'), pngHeaderOnly(100000, 100000));
  writeFileSync(join(tmp, 'bomb.png'), pngBomb(2000, 2000));
  writeFileSync(join(tmp, 'big.jpg'), jpegHeaderOnly(20000, 20000));
});

describe('image limits fail in one line before any GPU work', () => {
  it.each([
    ['a PNG header declaring 100000×100000', ['--image', join(tmp, 'huge.png')], /huge\.png \(100000×100000\) is 10000000000 pixels, over the limit of 100000000 \(raise it with --max-image-pixels\)$/],
    ['a real decompression bomb under --max-image-pixels 1000000', ['--image', join(tmp, 'bomb.png'), '--max-image-pixels', '1000000'], /bomb\.png \(2000×2000\) is 4000000 pixels, over the limit of 1000000 \(raise it with --max-image-pixels\)$/],
    ['a JPEG declaring 20000×20000', ['--image', join(tmp, 'big.jpg')], /big\.jpg \(20000×20000\) is 400000000 pixels, over the limit of 100000000/],
    ['--size 100000x100000', ['--image', CELL, '--size', '100000x100000'], /--size 100000x100000 is 10000000000 elements, over the limit of 268435456 \(raise it with --max-tensor-elements\)$/],
  ])('%s', async (_, args, pattern) => {
    const t0 = performance.now();
    expectOneLineFailure(await mi(['predict', join(MALARIA, 'model.json'), ...args, '--runtime', 'node']), pattern);
    expect(performance.now() - t0).toBeLessThan(60_000); // no runtime was started, nothing decoded
  });

  it('a limit flag that is not a positive number is a usage error', async () => {
    expectOneLineFailure(await mi(['predict', SMALL, '--input', SMALL_IN, '--max-image-pixels', 'lots']), /--max-image-pixels must be a positive number, got "lots"/, 2);
  });
});

describe('malformed models name the cause (node runtime)', () => {
  it.each([
    ['zero stride', () => tfjsModel('zero-stride', [{ class_name: 'MaxPooling2D', config: { name: 'pool_zero', pool_size: [2, 2], strides: [0, 2], data_format: 'channels_last' } }, { class_name: 'Flatten', config: { name: 'f' } }]), /Layer "pool_zero" \(MaxPooling2D\): strides \[0,2\] is invalid: it must be 2 whole numbers ≥ 1$/],
    ['zero pool size', () => tfjsModel('zero-pool', [{ class_name: 'AveragePooling2D', config: { name: 'pool_empty', pool_size: 0, data_format: 'channels_last' } }]), /Layer "pool_empty" \(AveragePooling2D\): pool_size 0 is invalid/],
    ['negative declared size', () => tfjsModel('negative', [{ class_name: 'Flatten', config: { name: 'f' } }], [null, -8, 8, 2]), /Input layer "x" declares the shape \[null,-8,8,2\]: sizes must be whole numbers ≥ 1 or null, not -8$/],
    ['config nested 100000 levels', () => file('deep', 'model.json', '{"format":"layers-model","weightsManifest":[],"modelTopology":' + '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) + '}'), /model\.json" nests objects and arrays more than 1000 levels deep \(no Keras config comes near that; raise it with --max-config-depth\)$/],
    ['model.json without weightsManifest', () => file('nomanifest', 'model.json', JSON.stringify({ format: 'layers-model', modelTopology: { model_config: { class_name: 'Sequential', config: { layers: [] } } } })), /has a "modelTopology" but no "weightsManifest"/],
  ] as [string, () => string, RegExp][])('%s', async (_, make, pattern) => {
    const r = await mi(['predict', make(), '--input', X882, '--runtime', 'node']);
    expect(r.stderr).not.toMatch(/RangeError|Maximum call stack|Infinity/);
    expectOneLineFailure(r, pattern);
  });

  it('a model file over --max-model-bytes names the file and the flag', async () => {
    const r = await mi(['predict', join(MALARIA, 'model.json'), '--image', CELL, '--runtime', 'node', '--max-model-bytes', '100000']);
    expectOneLineFailure(r, /group1-shard1of1\.bin" is \d+ bytes, over the limit of 100000 \(raise it with --max-model-bytes\)$/);
  });
});

describe('both runtimes', () => {
  it('invalid JSON: the same line in the Chromium and the node runtime', async () => {
    const path = file('bad json', 'model.json', '{"format": "layers-model",\n "modelTopology": {"a": 1,}\n}');
    const want = `mi predict: malformed model ${path}: "${path}" is not valid JSON: unexpected "}" at line 2, column 27`;
    const [chromium, node] = [await mi(['predict', path, '--input', X882, '--runtime', 'chromium']), await mi(['predict', path, '--input', X882, '--runtime', 'node'])];
    expect(expectOneLineFailure(chromium, /not valid JSON/)).toBe(want);
    expect(expectOneLineFailure(node, /not valid JSON/)).toBe(want);
  });
});

describe('valid inputs the Chromium runtime used to refuse', () => {
  it('a model in a folder whose name has #, %, ? and spaces', async () => {
    const dir = join(tmp, 'we ird #1 %41 ?x');
    mkdirSync(dir);
    for (const f of ['model.json', 'group1-shard1of1.bin', 'metadata.json']) copyFileSync(join(MALARIA, f), join(dir, f));
    const out = join(tmp, 'weird.npy');
    const r = await mi(['predict', join(dir, 'model.json'), '--input', join(MALARIA, 'ref/test8.input.npy'), '-o', out, '--runtime', 'chromium']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr, show(r)).toBe('');
    expectTensorsClose(parseNpy(readFileSync(out)), parseNpy(readFileSync(join(MALARIA, 'ref/test8.output.npy'))), { atol: 1e-5, rtol: 1e-4 }, 'weird path');
  });

  it('a model file without an extension', async () => {
    const path = file('noext', 'mymodel', readFileSync(SMALL));
    const r = await mi(['predict', path, '--input', SMALL_IN, '--runtime', 'chromium']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/^output \[1, 2\] float32 = \[0\.845125, 0\.154875\]/);
  });
});

describe('a batch forced into chunks (node runtime)', () => {
  it('--batch-chunk-bytes 1 runs 8 cells one at a time, matches Keras, and stderr stays empty (no TTY, no Vulkan noise)', async () => {
    const out = join(tmp, 'chunked.npy');
    // Lavapipe, where installed, cannot be a Dawn adapter, and Dawn used to print a warning about it;
    // an empty XDG_RUNTIME_DIR used to make Mesa's device-select layer print an error.
    const lavapipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
    const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
    const env: Record<string, string> = { XDG_RUNTIME_DIR: '' };
    if (existsSync(lavapipe) && existsSync(swiftshader)) env.VK_ICD_FILENAMES = `${lavapipe}:${swiftshader}`;
    const r = await mi(['predict', join(MALARIA, 'model.json'), '--input', join(MALARIA, 'ref/test8.input.npy'), '-o', out, '--runtime', 'node', '--batch-chunk-bytes', '1'], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr, show(r)).toBe('');
    expectTensorsClose(parseNpy(readFileSync(out)), parseNpy(readFileSync(join(MALARIA, 'ref/test8.output.npy'))), { atol: 1e-5, rtol: 1e-4 }, 'chunked');
  });
});
