/**
 * One model, every file format: each variant written by scripts/make_format_fixtures.py is loaded
 * by URL in the browser and run on WebGPU and on WebAssembly, and must give real Keras' model.predict
 * (scripts/keras_refs/format_refs.py). Float32 formats within 1e-5; quantized TF.js weights within
 * the error their quantization allows (measured and stated below).
 */
import { describe, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../../src/formats/npy.ts';
import { repoRoot } from '../../util/fixtures.ts';
import { expectTensorsClose, type Tolerance } from '../../util/compare.ts';
import { loadModelInPage } from '../../util/gpu.ts';
import { kernelsOf, recordCorrectness } from '../../util/record-correctness.ts';
import { BACKENDS, expectOnBackend } from '../../util/backends.ts';

const root = join(repoRoot, 'test/fixtures/formats');
const F32: Tolerance = { atol: 1e-5, rtol: 1e-4 };

interface Variant {
  file: string;
  architecture?: string;
  tol: Tolerance;
  /** The correctness row it is published under: float32 files agree to rounding, quantized ones to their quantization. */
  group?: 'formats-tfjs-f16' | 'formats-tfjs-u8';
}

const variants: Variant[] = [
  { file: 'model.keras', tol: F32 },
  { file: 'model.h5', tol: F32 },
  { file: 'weights.h5', architecture: 'arch.json', tol: F32 },
  { file: 'model.weights.h5', architecture: 'arch.json', tol: F32 },
  { file: 'tfjs-f32/model.json', tol: F32 },
  // float16 keeps 11 significant bits: weights off by up to 2^-11 relative. Measured 1.9e-5 on the
  // outputs (softmax probabilities; 2026-12-02); the error is the file's rounding, the same on every
  // adapter (float32 formats differ by 3e-8), so 2× that: 4e-5 (was 2e-3 + 2e-3·|y|).
  { file: 'tfjs-f16/model.json', tol: { atol: 4e-5, rtol: 0 }, group: 'formats-tfjs-f16' },
  // uint8 affine quantization: each weight off by up to (max - min) / 255 / 2. Measured 3.9e-5 on the
  // outputs (2026-12-02), again the file's own error, so 2× that: 8e-5 (was 3e-2 + 3e-2·|y|).
  { file: 'tfjs-u8/model.json', tol: { atol: 8e-5, rtol: 0 }, group: 'formats-tfjs-u8' },
];

describe.each(BACKENDS)('on %s', (backend) => {
  for (const model of ['sequential', 'nested']) {
    describe(`${model} model in every format vs real Keras`, () => {
      const dir = join(root, model);
      const input = () => parseNpy(readFileSync(join(dir, 'ref.input0.npy')));
      const expected = () => parseNpy(readFileSync(join(dir, 'ref.output0.npy')));
      for (const v of variants.filter((v) => existsSync(join(dir, v.file)))) {
        it(v.file + (v.architecture ? ` + ${v.architecture}` : ''), async () => {
          const architecture = v.architecture ? readFileSync(join(dir, v.architecture), 'utf8') : undefined;
          const m = await loadModelInPage(join(dir, v.file), { architecture, backend });
          try {
            expectOnBackend(m, backend);
            const [y] = await m.run([input()]);
            const stats = expectTensorsClose(y, expected(), v.tol, `${model}/${v.file}`);
            console.log(`${backend} ${model}/${v.file}: max abs error ${stats.maxAbs.toExponential(2)}`);
            const group = v.group ?? 'formats-f32';
            const titles = {
              'formats-f32': 'one model in every float32 format (`.keras`, `.h5`, weights `.h5`, `.weights.h5`, TF.js f32), Sequential and nested',
              'formats-tfjs-f16': 'the same models as TF.js float16 weights',
              'formats-tfjs-u8': 'the same models as TF.js uint8-quantized weights',
            };
            await recordCorrectness({
              backend, group, title: titles[group], input: `batch ${input().shape[0]}`, case: `${model}/${v.file}`, measure: 'outputs',
              reference: 'real Keras (scripts/keras_refs/format_refs.py)', maxAbs: stats.maxAbs, maxRel: stats.maxRel,
              bound: `≤ ${v.tol.atol} + ${v.tol.rtol}·|Keras|`, values: y.data.length, source: 'test/gpu/models/formats.test.ts',
            }, () => kernelsOf(m, [input()]));
          } finally {
            await m.dispose();
          }
        });
      }
    });
  }
});
