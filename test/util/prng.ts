/**
 * Seeded pseudo-random weights and inputs, bit-identical twin of scripts/keras_refs/common.py.
 *
 *   x = (i * 0x9E3779B1 + seed * 0x85EBCA77) mod 2^32
 *   x ^= x >> 16; x = x * 0x7FEB352D mod 2^32; x ^= x >> 15; x = x * 0x846CA68B mod 2^32; x ^= x >> 16
 *   u = x / 2^32 (float64);  value = float32((2u - 1) * scale)   (scale and arithmetic in float64)
 *
 * i is the row-major flat index of the element in the array's Keras shape.
 */

/** The 32-bit hash of element index i (0 <= i < 2^32) under a seed, as an unsigned integer. */
export function seededHash(i: number, seed: number): number {
  let x = (Math.imul(i >>> 0, 0x9e3779b1) + Math.imul(seed >>> 0, 0x85ebca77)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x;
}

/** value(i, seed) for one index: float32((2u - 1) * scale). */
export function seededValue(i: number, seed: number, scale: number): number {
  const u = seededHash(i, seed) / 4294967296;
  return Math.fround((2 * u - 1) * scale);
}

/** value(i, seed) for i = 0 .. count-1, as a Float32Array. */
export function seededValues(count: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  const s = seed >>> 0;
  const seedTerm = Math.imul(s, 0x85ebca77) >>> 0;
  for (let i = 0; i < count; i++) {
    let x = (Math.imul(i, 0x9e3779b1) + seedTerm) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x = (x ^ (x >>> 15)) >>> 0;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    const u = x / 4294967296;
    out[i] = (2 * u - 1) * scale; // Float32Array store rounds to nearest, like numpy astype(float32)
  }
  return out;
}

/** (value(i, seed, 1) + 1) / 2 in float64 (== u exactly), stored as float32: values in [0, 1). */
export function seededUnit(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  const seedTerm = Math.imul(seed >>> 0, 0x85ebca77) >>> 0;
  for (let i = 0; i < count; i++) {
    let x = (Math.imul(i, 0x9e3779b1) + seedTerm) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    x = Math.imul(x, 0x7feb352d) >>> 0;
    x = (x ^ (x >>> 15)) >>> 0;
    x = Math.imul(x, 0x846ca68b) >>> 0;
    x = (x ^ (x >>> 16)) >>> 0;
    out[i] = ((2 * (x / 4294967296) - 1) * 1 + 1) / 2;
  }
  return out;
}

/** The documented global factor on every kernel scale of the seed network (see seed_network.py). */
export const SEED_NETWORK_GAIN = 2.0;
export const SEED_NETWORK_INPUT_SEED = 7;
export const SEED_NETWORK_INPUT_SHAPE = [2, 224, 224, 3] as const;

export interface SeedWeight {
  /** Keras weight path, e.g. "conv1/kernel" */
  name: string;
  layer: string;
  shape: number[];
  seed: number;
  scale: number;
  data: Float32Array;
}

/** Layers of the seed network that have weights, in order, with their Keras kernel shapes. */
export const SEED_NETWORK_LAYERS: { name: string; kernelShape: number[] }[] = [
  { name: 'conv1', kernelShape: [3, 3, 3, 32] },
  { name: 'conv2', kernelShape: [3, 3, 32, 64] },
  { name: 'dense1', kernelShape: [54 * 54 * 64, 128] },
  { name: 'dense2', kernelShape: [128, 1] },
];

/**
 * All 8 weights of the seed network (test/fixtures/seed/model.json), in Keras order
 * (per layer: kernel then bias). Kernel scale = sqrt(3 / fan_in) * GAIN, bias scale 0.05,
 * seed = 1000 + 10k + j. About 96 MB (dense1 kernel is 186624 x 128).
 */
export function seedNetworkWeights(): SeedWeight[] {
  const out: SeedWeight[] = [];
  SEED_NETWORK_LAYERS.forEach((layer, k) => {
    const ks = layer.kernelShape;
    const fanIn = ks.slice(0, -1).reduce((a, b) => a * b, 1);
    const cout = ks[ks.length - 1];
    const kScale = Math.sqrt(3 / fanIn) * SEED_NETWORK_GAIN;
    const kSize = ks.reduce((a, b) => a * b, 1);
    out.push({ name: `${layer.name}/kernel`, layer: layer.name, shape: ks.slice(), seed: 1000 + 10 * k,
      scale: kScale, data: seededValues(kSize, 1000 + 10 * k, kScale) });
    out.push({ name: `${layer.name}/bias`, layer: layer.name, shape: [cout], seed: 1000 + 10 * k + 1,
      scale: 0.05, data: seededValues(cout, 1000 + 10 * k + 1, 0.05) });
  });
  return out;
}

/** The seed network's input, shape (2, 224, 224, 3), channels-last, values in [0, 1). */
export function seedNetworkInput(): Float32Array {
  return seededUnit(2 * 224 * 224 * 3, SEED_NETWORK_INPUT_SEED);
}

/** Exact checksum used in prng-check.json: sum of the float32 bit patterns mod 2^32. */
export function float32BitsSum(a: Float32Array): number {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let s = 0;
  for (let i = 0; i < u.length; i++) s = (s + u[i]) >>> 0;
  return s;
}

/**
 * The seed network as the bundle loadModel takes (a TF.js layers model.json and one shard): its
 * Keras topology (test/fixtures/seed/model.json) with the seeded weights packed in manifest order.
 */
export function seedNetworkBundle(topology: unknown): { modelJson: Record<string, unknown>; weights: Uint8Array[] } {
  const weights = seedNetworkWeights();
  const shard = new Uint8Array(weights.reduce((n, w) => n + w.data.byteLength, 0));
  let at = 0;
  for (const w of weights) {
    shard.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), at);
    at += w.data.byteLength;
  }
  const manifest = [{ paths: ['seed.bin'], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }];
  return { modelJson: { format: 'layers-model', modelTopology: topology, weightsManifest: manifest }, weights: [shard] };
}
