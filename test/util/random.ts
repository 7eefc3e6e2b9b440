/** Seeded random tensors for kernel tests (mulberry32: small, fast, reproducible). */
import type { Tensor } from '../../src/tensor.ts';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [lo, hi). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return { shape, data: randomArray(shape.reduce((a, b) => a * b, 1), seed, lo, hi) };
}
