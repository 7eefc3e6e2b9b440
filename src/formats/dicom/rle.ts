/**
 * RLE Lossless (PS3.5 Annex G). A frame is a 64-byte header (segment count, then up to 15 segment
 * offsets) and byte segments, each a PackBits run list; segment s holds byte (s mod bytesPerSample)
 * from the most significant, of sample floor(s / bytesPerSample), for every pixel. The output is
 * little-endian, planar (all of sample 0, then sample 1, …), as the native reader expects.
 */
import { DicomFormatError } from '../../errors.ts';

export function decodeRleFrame(frame: Uint8Array, pixels: number, samples: number, bitsAllocated: number, name: string): Uint8Array {
  const bytesPerSample = bitsAllocated / 8;
  if (!Number.isInteger(bytesPerSample)) throw new DicomFormatError(`${name}: RLE with Bits Allocated ${bitsAllocated} is not supported`);
  const expected = samples * bytesPerSample;
  if (frame.length < 64) throw new DicomFormatError(`${name}: RLE frame of ${frame.length} bytes is shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  const count = view.getUint32(0, true);
  if (count !== expected) {
    throw new DicomFormatError(`${name}: RLE frame has ${count} segments; ${samples} sample(s) of ${bitsAllocated} bits need ${expected}`);
  }
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < count; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < count ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || end > frame.length || end < start) {
      throw new DicomFormatError(`${name}: RLE segment ${s + 1} lies at bytes ${start}..${end} of a ${frame.length}-byte frame`);
    }
    const sample = Math.floor(s / bytesPerSample);
    // Segment 0 of a sample is its most significant byte; little-endian output puts it last.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    unpackSegment(frame, start, end, out, sample * pixels * bytesPerSample + byteInSample, bytesPerSample, pixels, name, s);
  }
  return out;
}

function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, base: number, stride: number, pixels: number, name: string, segment: number): void {
  let i = start;
  let n = 0;
  while (n < pixels && i < end) {
    const header = src[i++]!;
    if (header < 128) {
      const len = header + 1;
      if (i + len > end) throw new DicomFormatError(`${name}: RLE segment ${segment + 1} ends inside a literal run`);
      const take = Math.min(len, pixels - n);
      for (let k = 0; k < take; k++) out[base + (n + k) * stride] = src[i + k]!;
      i += len;
      n += take;
    } else if (header > 128) {
      const len = 257 - header;
      if (i >= end) throw new DicomFormatError(`${name}: RLE segment ${segment + 1} ends inside a replicate run`);
      const value = src[i++]!;
      const take = Math.min(len, pixels - n);
      for (let k = 0; k < take; k++) out[base + (n + k) * stride] = value;
      n += take;
    }
    // 128: no operation.
  }
  if (n < pixels) throw new DicomFormatError(`${name}: RLE segment ${segment + 1} decodes to ${n} of ${pixels} pixels`);
}
