/**
 * Runs inside the test page (imported with a dynamic import through Vite): builds the seed network
 * from its Keras config plus the seeded weights (96 MB, regenerated here rather than shipped or
 * sent over the DevTools socket) as a TF.js layers bundle, and runs it on the given backend.
 */
import { loadModel, type BackendName } from '../../src/index.ts';
import { toWire, type WireTensor } from '../../src/cli/wire.ts';
import { SEED_NETWORK_INPUT_SHAPE, seedNetworkBundle, seedNetworkInput } from '../util/prng.ts';

export async function runSeedNetwork(
  configUrl: string,
  batch: number,
  logits: boolean,
  backend: BackendName = 'webgpu',
): Promise<WireTensor & { backend: BackendName }> {
  const topology = await (await fetch(configUrl)).json();
  const model = await loadModel(seedNetworkBundle(topology), { backend, logits });
  try {
    const [, h, w, c] = SEED_NETWORK_INPUT_SHAPE;
    const full = seedNetworkInput();
    const data = full.slice(0, batch * h * w * c);
    return { ...toWire(await model.predict({ shape: [batch, h, w, c], data })), backend: model.backend };
  } finally {
    await model.dispose();
  }
}
