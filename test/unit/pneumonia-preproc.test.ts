import { describe, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../../src/formats/npy.ts';
import { fixturesDir } from '../util/fixtures.ts';
import { expectTensorsClose } from '../util/compare.ts';
import { pneumoniaBatch } from '../util/pneumonia.ts';

describe('PneumoniaMNIST preprocessing (Pillow bilinear) reproduces the fixture input', () => {
  it('test images 234 and 0 equal ref/pmnist2.input.npy bit for bit', () => {
    const expected = parseNpy(readFileSync(join(fixturesDir(), 'models/pneumonia-cnn-keras2-h5/ref/pmnist2.input.npy')));
    expectTensorsClose(pneumoniaBatch([234, 0]), expected, { atol: 0, rtol: 0 }, 'pmnist2 input');
  });
});
