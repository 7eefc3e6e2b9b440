/** Architecture JSON + caller-supplied weights gives the same KerasModel as the file readers. */
import { describe, expect, it } from 'vitest';
import { kerasModelFromArchitecture } from '../../../src/formats/from-architecture.ts';
import { readKerasModel } from '../../../src/formats/read-model.ts';
import { expectWeightsMatch, expectedOf, fixtureBytes, topologyOf } from './helpers.ts';

describe('kerasModelFromArchitecture', () => {
  for (const model of ['functional', 'nested']) {
    it(`${model}: same as reading the .keras file`, async () => {
      const exp = expectedOf(model);
      const arch = new TextDecoder().decode(fixtureBytes(model, 'arch.json'));
      const km = kerasModelFromArchitecture(arch, (l) =>
        // Reverse the order: the builder must put weights back in Keras order.
        exp.layers
          .find((e) => e.name === l.name)
          ?.weights.map((w) => ({ name: w.name, shape: w.shape, data: Float32Array.from(w.values) }))
          .reverse(),
      );
      expect(km.format).toBe('keras-config');
      expect(km.kerasVersion).toBe('3');
      expectWeightsMatch(km, exp);
      expect(topologyOf(km)).toEqual(topologyOf(await readKerasModel(fixtureBytes(model, 'model.keras'))));
    });
  }

  it('missing weights are reported by layer and weight name', () => {
    const arch = new TextDecoder().decode(fixtureBytes('sequential', 'arch.json'));
    expect(() => kerasModelFromArchitecture(arch, () => undefined)).toThrow(/Layer "c1" \(Conv2D\) is missing weight\(s\) "kernel", "bias"/);
  });
});
