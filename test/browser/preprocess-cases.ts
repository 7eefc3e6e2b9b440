/**
 * Seeded synthetic images for the preprocessing tests, generated identically in Node (for the CPU
 * reference) and in the page (for the GPU), so only a few numbers cross the DevTools socket.
 */
import type { PixelImage } from '../../src/runtime/preprocess-options.ts';
import { rng } from '../util/random.ts';

export interface ImageCase {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  seed: number;
  /** Float32Array pixels (integers 0..255, as decodeImage returns) instead of bytes. */
  float?: boolean;
}

/** Random 0..255 pixels, with the extremes 0 and 255 over-represented (they are the edge cases). */
export function casePixels(c: ImageCase): PixelImage {
  const r = rng(c.seed);
  const n = c.width * c.height * c.channels;
  const data = c.float ? new Float32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    data[i] = u < 0.05 ? 0 : u > 0.95 ? 255 : Math.floor(r() * 256);
  }
  return { width: c.width, height: c.height, channels: c.channels, data };
}
