/**
 * Every bug the fuzzers found, as its smallest reproducer (see FINDINGS.md for the story of each).
 * Each must end in a typed EngineError or a valid result, like any fuzz case; the ones still open
 * fail here until their fix lands, which is the point: they name the bug exactly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from './harness/sandbox.ts';
import { testTimeoutMs } from './harness/settings.ts';
import type { CaseRequest, FileRef, JsonEdit } from './harness/spec.ts';
import { request as layerRequest } from './layers/request.ts';

const sandbox = new Sandbox();
afterAll(() => sandbox.close());

const tfjsFiles = (dir: string, edits: JsonEdit[], shards = ['group1-shard1of2.bin', 'group1-shard2of2.bin']): CaseRequest => ({
  target: 'model',
  source: { form: 'files', files: [{ name: 'model.json', file: { json: { path: `${dir}/model.json` }, edits } }, ...shards.map((n) => ({ name: n, file: { path: `${dir}/${n}` } }))] },
});
const tfjsObject = (dir: string, edits: JsonEdit[], shards = ['group1-shard1of2.bin', 'group1-shard2of2.bin']): CaseRequest => ({
  target: 'model',
  source: { form: 'bundle', modelJson: { json: { path: `${dir}/model.json` }, edits }, weights: shards.map((n) => ({ path: `${dir}/${n}` })) },
});
const keras = (seed: string, member: string, file: FileRef): CaseRequest => ({
  target: 'model',
  source: {
    form: 'bytes',
    file: { zip: ['config.json', 'metadata.json', 'model.weights.h5'].map((name) => ({ name, file: name === member ? file : { path: seed, entry: name } })), level: 6 },
  },
});
const F16 = 'repo:test/fixtures/formats/functional/tfjs-f16';
const U8 = 'repo:test/fixtures/formats/sequential/tfjs-u8';
const F32 = 'repo:test/fixtures/formats/sequential/tfjs-f32';
const FUNC_KERAS = 'repo:test/fixtures/formats/functional/model.keras';
const WEIGHTS = ['repo:test/fixtures/formats/functional/model.weights.h5', 'repo:test/fixtures/formats/functional/arch.json'];

/** id → [what, status when written, reproducer]; ids match FINDINGS.md, which names each fix's commit. */
const FINDINGS: Record<string, [string, 'fixed' | 'open', CaseRequest]> = {
  'F1a': ['TF.js manifest weight shape not a list (TypeError: shape is not iterable)', 'fixed', tfjsFiles('repo:test/fixtures/formats/functional/tfjs-f32', [{ op: 'replace', path: ['weightsManifest', 0, 'weights', 9, 'shape'], value: 1e308 }])],
  'F1b': ['TF.js manifest weight name a number (TypeError: weightName.replace)', 'fixed', tfjsFiles(F16, [{ op: 'replace', path: ['weightsManifest', 0, 'weights', 0, 'name'], value: 9007199254740994 }])],
  'F1c': ['TF.js manifest weight without a name', 'fixed', tfjsFiles('repo:test/fixtures/formats/functional/tfjs-u8', [{ op: 'delete', path: ['weightsManifest', 0, 'weights', 2, 'name'] }])],
  'F1d': ['TF.js manifest shard path not a string (TypeError: p.replace / p.lastIndexOf)', 'fixed', tfjsFiles(U8, [{ op: 'replace', path: ['weightsManifest', 0, 'paths', 0], value: [0] }])],
  'F1e': ['TF.js manifest shape with two negative dimensions passed the size check', 'fixed', tfjsObject(F32, [{ op: 'replace', path: ['weightsManifest', 0, 'weights', 0, 'shape'], value: [3, 3, -2, -3] }])],
  'F2': ['.npy shape entry beyond 2^53 silently rounded', 'fixed', { target: 'npy', file: { npy: { path: 'repo:test/fixtures/formats/npy/vec_f4.npy' }, header: "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 3, 9007199254740993), }" } }],
  'F3a': [
    'HDF5 group that contains itself: unbounded recursion in the .keras-layout weights walk (RangeError)',
    'fixed',
    {
      target: 'model',
      source: {
        form: 'files',
        files: [
          { name: 'weights.h5', file: { base: { path: WEIGHTS[0] }, edits: [{ op: 'int', at: 28054, width: 2, le: true, value: '14', field: 'h5.snod[14].symbols' }] } },
          { name: 'arch.json', file: { path: WEIGHTS[1] } },
        ],
      },
    },
  ],
  'F3b': [
    'HDF5 group cycle inside a .keras: seconds of recursion, then RangeError (a "hang" on a loaded machine)',
    'fixed',
    keras('repo:test/fixtures/keras/upsampling_transpose/model.keras', 'model.weights.h5', {
      base: { path: 'repo:test/fixtures/keras/upsampling_transpose/model.keras', entry: 'model.weights.h5' },
      edits: [{ op: 'int', at: 42536, width: 8, le: true, value: '1', field: 'h5.snod[22].entry[0].nameOffset' }],
    }),
  ],
  'F4a': ['Keras 3 layer call whose args hold no tensor: Dense inferShape TypeError', 'open', keras(FUNC_KERAS, 'config.json', { json: { path: FUNC_KERAS, entry: 'config.json' }, edits: [{ op: 'delete', path: ['config', 'layers', 9, 'inbound_nodes', 0, 'args', 0] }] })],
  'F4b': [
    'Keras 2 inbound node emptied: Activation inferShape TypeError (input is not iterable)',
    'open',
    tfjsFiles('shared:models/meshnet-model18cls-tfjs', [{ op: 'delete', path: ['modelTopology', 'model_config', 'config', 'layers', 16, 'inbound_nodes', 0, 0] }], ['model.bin']),
  ],
  'F4c': ['one flipped byte in a Keras 2 .h5 model_config: Conv2D inferShape TypeError', 'open', { target: 'model', source: { form: 'bytes', file: { base: { path: 'repo:test/fixtures/formats/functional/model.h5' }, edits: [{ op: 'flip', at: 6954, mask: 44 }] } } }],
  'F5a': ['model config nested 5000 deep (text): stack overflow', 'fixed', tfjsFiles(F32, [{ op: 'nest-model', path: ['modelTopology', 'model_config', 'config'], depth: 5000 }])],
  'F5b': ['model config nested 50 000 deep (object): stack overflow', 'fixed', tfjsObject(F32, [{ op: 'nest-model', path: ['modelTopology', 'model_config', 'config'], depth: 50_000 }])],
  'F6a': ['Dense units "Zeros": the output shape holds a string', 'fixed', tfjsFiles(U8, [{ op: 'replace', path: ['modelTopology', 'config', 'layers', 8, 'config', 'units'], value: 'Zeros' }])],
  'F6b': ['LayerNormalization epsilon NaN reaches the kernel parameters', 'open', layerRequest({ seed: 'LayerNormalization', edits: [{ layer: 0, key: 'epsilon', value: { $: 'NaN' } }], keras: '2.15.0' })],
  'F7a': ['declared input of rank 0 (batch_input_shape []): Add broadcasts to [undefined, 4, 4, 2]', 'open', layerRequest({ seed: 'Add', edits: [{ layer: -1, key: 'batch_input_shape', value: [] }], keras: '2.15.0' })],
  'F7b': ['declared input of rank 0: Rescaling plans a kernel with channels undefined', 'open', layerRequest({ seed: 'Rescaling', edits: [{ layer: -1, key: 'batch_input_shape', value: [] }], keras: '2.15.0' })],
  'F10': ['.npy version 2 cut inside its 4-byte header length: DataView RangeError', 'fixed', { target: 'npy', file: { base: { path: 'repo:test/fixtures/formats/npy/v2_f4.npy' }, edits: [{ op: 'truncate', at: 11 }] } }],
  'F11a': ['layer class "__proto__": tables looked up by a key Object.prototype has (reader part fixed; the registry part is F11b)', 'open', tfjsObject('repo:test/fixtures/formats/functional/tfjs-f32', [{ op: 'replace', path: ['modelTopology', 'model_config', 'config', 'layers', 5, 'class_name'], value: '__proto__' }])],
  'F11b': ['layer class "constructor": the registry lookup finds Object (Error: internal: no op module)', 'open', tfjsObject('repo:test/fixtures/formats/functional/tfjs-f32', [{ op: 'replace', path: ['modelTopology', 'model_config', 'config', 'layers', 5, 'class_name'], value: 'constructor' }])],
  'F12': ['activation "__proto__": the activation table lookup plans a kernel with ACT = {}', 'open', layerRequest({ seed: 'Conv2D+ReLU', edits: [{ layer: 0, key: 'activation', value: '__proto__' }], keras: '2.15.0' })],
  'F8': ['PNG whose IHDR says 2^31 × 1: minutes of decoding and gigabytes', 'fixed', { target: 'image', file: { png: { path: 'repo:test/cli/fixtures/decode/ga8.png' }, ihdr: { width: 2 ** 31, height: 1 }, fixCrc: true }, channels: 3, grayscale: false }],
};

describe('fuzz findings: each reproducer ends in a typed error or a valid result', () => {
  for (const [id, [what, status, req]] of Object.entries(FINDINGS)) {
    it(
      `${id} (${status}): ${what}`,
      async () => {
        const r = await sandbox.run(req);
        expect(['typed', 'valid'], `${id} ended in ${JSON.stringify(r).slice(0, 600)}`).toContain(r.outcome);
      },
      testTimeoutMs(),
    );
  }
});
