/**
 * Every way `mi predict` can fail ends with a non-zero exit status and ONE line on stderr that
 * names the problem (no stack trace), and nothing on stdout. Plus help and the other commands' usage errors.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toNpy } from '../../src/formats/npy.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { mi, show, tempDir, type MiResult } from './run-mi.ts';

const tmp = tempDir();
const PNEUMONIA = () => join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/pneumonia_model.h5');
const PNEUMONIA_IN = () => join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/ref/pmnist2.input.npy');
const SMALL = join(repoRoot, 'test/fixtures/formats/sequential/model.h5'); // [?, 6, 6, 2], loads in a blink
const SMALL_IN = join(tmp, 'small.npy');

/** The failure contract: exit ≠ 0, nothing on stdout, exactly one line on stderr matching `pattern`. */
function expectOneLineFailure(r: MiResult, pattern: RegExp, code = 1): void {
  expect(r.code, show(r)).toBe(code);
  expect(r.stdout, show(r)).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, show(r)).toHaveLength(1);
  expect(lines[0]).toMatch(/^mi predict: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).not.toMatch(/^\s+at /);
}

beforeAll(() => {
  writeFileSync(SMALL_IN, toNpy({ shape: [1, 6, 6, 2], data: new Float32Array(72) }));
  writeFileSync(join(tmp, 'not-a-model.h5'), 'this is not a model\n');
  writeFileSync(join(tmp, 'truncated.h5'), readFileSync(SMALL).subarray(0, 2000));
  writeFileSync(join(tmp, 'bad.npy'), 'not numpy\n');
  writeFileSync(join(tmp, 'short.npy'), toNpy({ shape: [1, 6, 6, 2], data: new Float32Array(72) }).subarray(0, 150));
  writeFileSync(join(tmp, 'rank3.npy'), toNpy({ shape: [6, 6, 2], data: new Float32Array(72) }));
  writeFileSync(join(tmp, 'channels.npy'), toNpy({ shape: [1, 6, 6, 3], data: new Float32Array(108) }));
  writeFileSync(join(tmp, 'text.png'), 'not an image');
  writeFileSync(join(tmp, 'cut.png'), readFileSync(new URL('./fixtures/decode/rgb8.png', import.meta.url)).subarray(0, 60));
  // A tfjs model with a layer the engine does not implement (Masking: weightless, so no shards).
  mkdirSync(join(tmp, 'unsupported'));
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'unsupported',
      layers: [
        { class_name: 'InputLayer', config: { name: 'x', dtype: 'float32', batch_input_shape: [null, 4, 2] } },
        { class_name: 'Masking', config: { name: 'mask_me', dtype: 'float32', mask_value: 0 } },
      ],
    },
  };
  writeFileSync(
    join(tmp, 'unsupported/model.json'),
    JSON.stringify({ format: 'layers-model', modelTopology: { keras_version: '2.15.0', model_config: topology }, weightsManifest: [] }),
  );
  writeFileSync(join(tmp, 'x42.npy'), toNpy({ shape: [1, 4, 2], data: new Float32Array(8) }));
  // A tfjs model whose weight shard is missing.
  mkdirSync(join(tmp, 'noshard'));
  copyFileSync(join(repoRoot, 'test/fixtures/formats/sequential/tfjs-f32/model.json'), join(tmp, 'noshard/model.json'));
});

describe('mi predict fails in one line, before any GPU work', () => {
  it.concurrent.each([
    ['missing model file', ['predict', '/nonexistent/model.h5', '--input', SMALL_IN], /model file not found: \/nonexistent\/model\.h5/],
    ['missing input file', ['predict', SMALL, '--input', join(tmp, 'missing.npy')], /cannot read input .*missing\.npy: no such file/],
    ['bad .npy', ['predict', SMALL, '--input', join(tmp, 'bad.npy')], /bad \.npy input .*bad\.npy: .*NUMPY/],
    ['truncated .npy', ['predict', SMALL, '--input', join(tmp, 'short.npy')], /bad \.npy input .*short\.npy/],
    ['image that is not an image', ['predict', SMALL, '--image', join(tmp, 'text.png')], /unreadable image .*text\.png: not a PNG or JPEG/],
    ['missing image', ['predict', SMALL, '--image', join(tmp, 'none.png')], /cannot read image .*none\.png: no such file/],
    ['output folder that does not exist', ['predict', SMALL, '--input', SMALL_IN, '-o', join(tmp, 'no/dir/y.npy')], /cannot write .*no\/dir\/y\.npy: no such folder/],
    ['missing architecture', ['predict', SMALL, '--architecture', join(tmp, 'a.json'), '--input', SMALL_IN], /architecture file not found/],
    ['no Chromium', ['predict', SMALL, '--input', SMALL_IN], /no Chromium found at \/nonexistent/, { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' }],
    ['no Vulkan driver for Dawn', ['predict', SMALL, '--input', SMALL_IN, '--runtime', 'node'], /no WebGPU adapter \(node runtime\).*VK_ICD_FILENAMES/, { VK_ICD_FILENAMES: '/nonexistent.json' }],
  ] as [string, string[], RegExp, Record<string, string>?][])('%s', async (_, args, pattern, env) => {
    expectOneLineFailure(await mi(args, env), pattern);
  });

  it.concurrent.each([
    ['unknown option', ['predict', SMALL, '--input', SMALL_IN, '--bogus'], /Unknown option '--bogus' \(see mi predict --help\)/],
    ['no input', ['predict', SMALL], /give --input X\.npy or --image FILE/],
    ['no model', ['predict', '--input', SMALL_IN], /no MODEL given/],
    ['bad runtime', ['predict', SMALL, '--input', SMALL_IN, '--runtime', 'cuda'], /--runtime must be chromium or node/],
    ['bad --size', ['predict', SMALL, '--image', join(tmp, 'text.png'), '--size', 'big'], /--size must be HxW or N/],
    ['bad --scale', ['predict', SMALL, '--image', join(tmp, 'text.png'), '--scale', 'x'], /--scale must be a number or 1\/N/],
  ] as [string, string[], RegExp][])('usage error (exit 2): %s', async (_, args, pattern) => {
    expectOneLineFailure(await mi(args), pattern, 2);
  });
});

describe('mi predict fails in one line when the model or GPU lets it down', () => {
  it('malformed model (not HDF5), Chromium', async () => {
    expectOneLineFailure(await mi(['predict', join(tmp, 'not-a-model.h5'), '--input', SMALL_IN]), /malformed model .*not-a-model\.h5: .*not a Keras model/);
  });
  it('malformed model (truncated HDF5) names the path, not the server URL (node)', async () => {
    const r = await mi(['predict', join(tmp, 'truncated.h5'), '--input', SMALL_IN, '--runtime', 'node']);
    expectOneLineFailure(r, /malformed model .*truncated\.h5: /);
    expect(r.stderr).not.toContain('http://');
  });
  it('tfjs model whose weight shard is missing (fetched over HTTP in Chromium)', async () => {
    expectOneLineFailure(await mi(['predict', join(tmp, 'noshard/model.json'), '--input', SMALL_IN]), /model file missing or unreadable .*group1-shard1of2\.bin/);
  });
  it('unsupported layer names the layer and its class', async () => {
    const r = await mi(['predict', join(tmp, 'unsupported'), '--input', join(tmp, 'x42.npy'), '--runtime', 'node']);
    expectOneLineFailure(r, /unsupported layer in .*unsupported: Layer "mask_me" \(Masking\) is not supported/);
  });
  it.each([
    ['rank 3 (no batch)', 'rank3.npy', /wrong input shape \(.*rank3\.npy is \[6, 6, 2\]\)/],
    ['3 channels for 2', 'channels.npy', /wrong input shape \(.*channels\.npy is \[1, 6, 6, 3\]\).*2 channels/],
  ])('wrong input shape: %s', async (_, file, pattern) => {
    expectOneLineFailure(await mi(['predict', SMALL, '--input', join(tmp, file), '--runtime', 'node']), pattern);
  });
  it('image the decoder cannot read (truncated PNG) after the model loads', async () => {
    const r = await mi(['predict', PNEUMONIA(), '--image', join(tmp, 'cut.png'), '--runtime', 'node']);
    expectOneLineFailure(r, /^mi predict: .*cut\.png: could not decode the PNG/);
  });
  it('--image for a model that takes neither 1 nor 3 channels', async () => {
    const r = await mi(['predict', SMALL, '--image', join(repoRoot, 'test/cli/fixtures/decode/rgb8.png'), '--runtime', 'node']);
    expectOneLineFailure(r, /^mi predict: --image gives 1 or 3 channels, but the model takes 2 \(\[\?, 6, 6, 2\]\)/);
  });
  it('MI_DEBUG=1 adds the stack trace after the one line', async () => {
    const r = await mi(['predict', '/nonexistent/model.h5', '--input', SMALL_IN], { MI_DEBUG: '1' });
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('mi predict: model file not found: /nonexistent/model.h5');
    expect(lines.some((l) => /^\s+at /.test(l))).toBe(true);
  });
  it('no WebGPU adapter in Chromium (launched without --enable-unsafe-webgpu)', async () => {
    const r = await mi(['predict', SMALL, '--input', SMALL_IN], { MI_CHROMIUM_NO_WEBGPU: '1' });
    expectOneLineFailure(r, /no WebGPU adapter \(chromium runtime\)/);
  });
});

describe('help and planned commands', () => {
  it('mi --help and mi predict --help print usage and exit 0', async () => {
    const main = await mi(['--help']);
    expect(main.code, show(main)).toBe(0);
    expect(main.stdout).toMatch(/Usage: mi <command>/);
    expect(main.stdout).toContain('predict');
    const predict = await mi(['predict', '--help']);
    expect(predict.code, show(predict)).toBe(0);
    expect(predict.stdout).toContain('Y.0.npy, Y.1.npy');
    expect(predict.stdout).toContain('--runtime');
    expect(predict.stdout).not.toContain('--chromium-flags');
  });
  it('mi convert without a model: usage error, exit 2 (its own errors: test/cli/convert.test.ts)', async () => {
    const r = await mi(['convert']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('mi convert: no MODEL given');
  });
  it('mi profile without a model: usage error, exit 2', async () => {
    const r = await mi(['profile']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('mi profile: no MODEL given');
  });
  it('unknown command: exit 2, one line', async () => {
    const r = await mi(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^mi: unknown command "frobnicate"/);
  });
  it('PNEUMONIA fixtures are present (the predict tests need them)', () => {
    expect(readFileSync(PNEUMONIA()).length).toBeGreaterThan(0);
    expect(readFileSync(PNEUMONIA_IN()).length).toBeGreaterThan(0);
  });
});
