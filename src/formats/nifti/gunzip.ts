/**
 * Inflating a `.nii.gz` only as far as its header says, so a gzip bomb cannot fill memory: the header
 * (the first few hundred bytes) is inflated first, the reader checks the size it declares against the
 * engine's limits, and only then is the rest inflated, into one buffer of exactly that size. Input is
 * pushed in small chunks, so the output never runs more than one chunk's worth (at most ~1032× its
 * size, deflate's ceiling) past what was asked for.
 */
import { Gunzip } from 'fflate';

/**
 * Input pushed per step. Before the header is checked, 4 kB (at most ~4 MB of output from a bomb);
 * once a target of checked size exists, 64 kB (fewer calls; the excess is dropped as it comes).
 */
const HEADER_CHUNK = 1 << 12;
const CHUNK = 1 << 16;

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** A gzip stream inflated on demand. Throws whatever fflate throws for a corrupt stream. */
export class BoundedGunzip {
  private readonly stream: Gunzip;
  private consumed = 0;
  private ended = false;
  /** Output so far, as received, until `into` gives a target buffer. */
  private chunks: Uint8Array[] = [];
  private length = 0;
  private target?: Uint8Array;

  constructor(private readonly input: Uint8Array) {
    this.stream = new Gunzip((data, final) => {
      if (this.target) {
        const room = this.target.length - this.length;
        if (room > 0) this.target.set(room >= data.length ? data : data.subarray(0, room), this.length);
        this.length += Math.min(room, data.length);
      } else {
        this.chunks.push(data);
        this.length += data.length;
      }
      if (final) this.ended = true;
    });
  }

  /** Bytes inflated so far (capped at the target's size once one is given). */
  get available(): number {
    return this.length;
  }

  /** Inflates until at least `n` bytes are out or the stream ends; returns how many are out. */
  pull(n: number): number {
    while (this.length < n && !this.ended && this.consumed < this.input.length) {
      const end = Math.min(this.consumed + (this.target ? CHUNK : HEADER_CHUNK), this.input.length);
      this.stream.push(this.input.subarray(this.consumed, end), end === this.input.length);
      this.consumed = end;
    }
    return this.length;
  }

  /** The first `n` bytes inflated so far (n ≤ available), as one array. */
  head(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.length));
    let at = 0;
    for (const c of this.chunks) {
      if (at >= out.length) break;
      const take = Math.min(c.length, out.length - at);
      out.set(c.subarray(0, take), at);
      at += take;
    }
    return out;
  }

  /**
   * From now on, inflate into one buffer of `size` bytes (what the header declared, already checked
   * against the limits); bytes past it are dropped. Returns the buffer, filled as far as `pull` goes.
   */
  into(size: number): Uint8Array {
    const target = new Uint8Array(size);
    let at = 0;
    for (const c of this.chunks) {
      if (at >= size) break;
      const take = Math.min(c.length, size - at);
      target.set(c.subarray(0, take), at);
      at += take;
    }
    this.chunks = [];
    this.length = at;
    this.target = target;
    return target;
  }
}
