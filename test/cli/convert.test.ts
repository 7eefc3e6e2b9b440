/**
 * `mi convert MODEL --to onnx -o OUT.onnx` on real Keras files: the Keras layer fixtures
 * (test/fixtures/keras, real Keras 3 outputs), the two real Keras 2 classifiers and a MeshNet of
 * ../shared/fixtures (their ref/ outputs). Each .onnx is loaded in ONNX Runtime (Node, WASM, one
 * thread), run on the fixture's input and compared with Keras' outputs: max |error| ≤ 1e-4. The
 * command runs in-process through the CLI's own dispatcher (src/cli/main.ts), as bin/mi.mjs runs it;
 * one test spawns bin/mi.mjs to cover the installed entry. Then the errors: one line, exit 1 or 2.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseNpy } from '../../src/formats/npy.ts';
import type { Tensor } from '../../src/tensor.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { fixturesDir, repoRoot } from '../util/fixtures.ts';
import { runOnnx } from '../unit/onnx/ort.ts';
import { mi, show, tempDir } from './run-mi.ts';

const KERAS_TOL = { atol: 1e-4, rtol: 0 };
const tmp = tempDir();
const npy = (path: string): Tensor => parseNpy(readFileSync(path), path);

/** Runs `mi ...args` in-process; returns the exit status and the lines written. */
async function miInProcess(args: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(args, { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  return { code, stdout, stderr };
}

/** The ONNX input and output names from the summary line ("inputs NAME [..] ...; outputs A, B · ..."). */
function namesFrom(summary: string): { inputs: string[]; outputs: string[] } {
  const inputs = [...summary.matchAll(/(?:inputs |, )(\S+) \[/g)].map((m) => m[1]);
  const outputs = summary.replace(/.*; outputs /, '').replace(/ · .*/, '').split(', ');
  return { inputs, outputs };
}

/** Converts `model`, runs the .onnx on `input` and checks each output against `expected`; returns the max |error|. */
async function convertAndCompare(name: string, model: string, input: Tensor, expected: Tensor[], extra: string[] = []): Promise<number> {
  const out = join(tmp, `${name}.onnx`);
  const r = await miInProcess(['convert', model, '--to', 'onnx', '-o', out, ...extra]);
  expect(r.code, r.stderr.join('\n')).toBe(0);
  expect(r.stdout).toHaveLength(1);
  expect(r.stdout[0]).toMatch(/^wrote .*\.onnx \(ONNX opset 17, /);
  const { inputs, outputs } = namesFrom(r.stdout[0]);
  const got = await runOnnx(readFileSync(out), inputs, outputs, [input]);
  expect(got).toHaveLength(expected.length);
  let worst = 0;
  got.forEach((t, i) => (worst = Math.max(worst, expectTensorsClose(t, expected[i], KERAS_TOL, `${name} output ${i}`).maxAbs)));
  console.log(`mi convert ${name}: ${(readFileSync(out).length / 1024).toFixed(0)} KiB, max |ORT − Keras| ${worst.toExponential(2)}`);
  return worst;
}

const KERAS_FIXTURES = [
  'activations',
  'branch_merge',
  'conv2d_grouped_variants',
  'conv3d_transpose_variants',
  'conv3d_variants',
  'conv_pool_variants',
  'depthwise_separable',
  'merges',
  'norm_layers',
  'pool3d_variants',
  'upsampling_transpose',
];

describe('mi convert --to onnx: ONNX Runtime matches Keras within 1e-4', () => {
  it.each(KERAS_FIXTURES)('Keras 3 fixture %s', async (name) => {
    const dir = join(repoRoot, 'test/fixtures/keras', name);
    const expected = existsSync(join(dir, 'output.npy')) ? [npy(join(dir, 'output.npy'))] : [npy(join(dir, 'output0.npy')), npy(join(dir, 'output1.npy'))];
    await convertAndCompare(name, join(dir, 'model.keras'), npy(join(dir, 'input.npy')), expected);
  });

  it('pneumonia CNN (Keras 2.4 Sequential .h5), 2 X-rays 150×150×3', async () => {
    const ref = join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5');
    await convertAndCompare('pneumonia', join(ref, 'pneumonia_model.h5'), npy(join(ref, 'ref/pmnist2.input.npy')), [npy(join(ref, 'ref/pmnist2.output.npy'))]);
  });

  it('MeshNet model5_gw_ae (TF.js, dilated Conv3D) declared 256³, exported for a 32³ crop with --input-shape', async () => {
    const ref = join(fixturesDir(), 'models/meshnet-model5_gw_ae-tfjs');
    const input = npy(join(ref, 'ref/model5_gw_ae.t1cube32.input.npy'));
    await convertAndCompare('meshnet5', join(ref, 'model.json'), input, [npy(join(ref, 'ref/model5_gw_ae.t1cube32.output.npy'))], ['--input-shape', input.shape.slice(1).join(',')]);
  });

  it('bin/mi.mjs convert (a child process) writes a loadable model with a static batch', async () => {
    const dir = join(repoRoot, 'test/fixtures/keras/branch_merge');
    const out = join(tmp, 'spawned.onnx');
    const r = await mi(['convert', join(dir, 'model.keras'), '--to', 'onnx', '-o', out, '--batch', '2']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr, show(r)).toBe('');
    const { inputs, outputs } = namesFrom(r.stdout.trim());
    expect(r.stdout).toContain('[2, 17, 23, 3]');
    const got = await runOnnx(readFileSync(out), inputs, outputs, [npy(join(dir, 'input.npy'))]);
    expectTensorsClose(got[0], npy(join(dir, 'output0.npy')), KERAS_TOL, 'spawned output 0');
  });
});

describe('mi convert errors: one line on stderr, exit 2 for usage, 1 otherwise', () => {
  const model = join(repoRoot, 'test/fixtures/keras/branch_merge/model.keras');
  const cases: [string, string[], number, RegExp][] = [
    ['no MODEL', ['convert'], 2, /^mi convert: no MODEL given$/],
    ['no --to', ['convert', model, '-o', join(tmp, 'x.onnx')], 2, /give the output format: --to onnx/],
    ['another format', ['convert', model, '--to', 'tflite', '-o', join(tmp, 'x.onnx')], 2, /--to must be onnx, got "tflite"/],
    ['no -o', ['convert', model, '--to', 'onnx'], 2, /give the output file: -o model\.onnx/],
    ['bad --batch', ['convert', model, '--to', 'onnx', '-o', join(tmp, 'x.onnx'), '--batch', '0'], 2, /--batch must be a positive integer/],
    ['bad --input-shape', ['convert', model, '--to', 'onnx', '-o', join(tmp, 'x.onnx'), '--input-shape', '17,a,3'], 2, /--input-shape must be positive integers/],
    ['missing model', ['convert', join(tmp, 'nope.h5'), '--to', 'onnx', '-o', join(tmp, 'x.onnx')], 1, /model file not found: .*nope\.h5/],
    ['missing output folder', ['convert', model, '--to', 'onnx', '-o', join(tmp, 'no/such/x.onnx')], 1, /cannot write .*x\.onnx: no such folder/],
    ['unknown opset', ['convert', model, '--to', 'onnx', '-o', join(tmp, 'x.onnx'), '--opset', '9'], 1, /cannot write .*model\.keras as ONNX: opset 9 is not supported/],
    ['wrong channels in --input-shape', ['convert', model, '--to', 'onnx', '-o', join(tmp, 'x.onnx'), '--input-shape', '17,23,4'], 1, /cannot write .* as ONNX: Input 0 must have 3 channels/],
  ];
  it.each(cases)('%s', async (_name, args, code, pattern) => {
    const r = await miInProcess(args);
    expect(r.code, r.stderr.join('\n')).toBe(code);
    expect(r.stdout).toEqual([]);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(pattern);
  });

  it('mi --help lists convert; mi convert --help gives its options', async () => {
    expect((await miInProcess(['--help'])).stdout.join('\n')).toMatch(/^\s+convert\s+write a Keras model as ONNX/m);
    const help = await miInProcess(['convert', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--to onnx', '-o, --output', '--batch', '--opset', '--input-shape', '--architecture', 'npm install protobufjs']) expect(help.stdout.join('\n')).toContain(flag);
  });

  it('a model that is not one, and an unsupported layer, name the file', async () => {
    writeFileSync(join(tmp, 'not-a-model.h5'), 'this is not a model\n');
    const bad = await miInProcess(['convert', join(tmp, 'not-a-model.h5'), '--to', 'onnx', '-o', join(tmp, 'x.onnx')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr[0]).toMatch(/^mi convert: .*not-a-model\.h5/);
    mkdirSync(join(tmp, 'masking'), { recursive: true });
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Masking', config: { name: 'mask', batch_input_shape: [null, 4, 3] } }] } };
    writeFileSync(join(tmp, 'masking/model.json'), JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: [] }));
    const unsupported = await miInProcess(['convert', join(tmp, 'masking'), '--to', 'onnx', '-o', join(tmp, 'x.onnx')]);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr[0]).toMatch(/^mi convert: unsupported layer in .*masking: Layer "mask" \(Masking\) is not supported/);
  });
});
