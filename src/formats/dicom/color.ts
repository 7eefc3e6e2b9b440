/**
 * YBR_FULL → RGB for 8-bit samples, exactly as pydicom's convert_color_space (PS3.3 C.7.6.3.1.2,
 * ISO/IEC 10918-5 §7): float32 matrix, +0.5, floor, clip to 0..255. Interleaved, in place.
 */
export function ybrFullToRgb(data: Float32Array): void {
  // pydicom's coefficients, rounded to float32 as its matrix is.
  const crR = Math.fround(1.402);
  const cbG = Math.fround((-0.114 * 1.772) / 0.587);
  const crG = Math.fround((-0.299 * 1.402) / 0.587);
  const cbB = Math.fround(1.772);
  for (let i = 0; i < data.length; i += 3) {
    const y = data[i]!;
    const cb = data[i + 1]! - 128;
    const cr = data[i + 2]! - 128;
    // float32 arithmetic, summed in the order numpy's matmul does (y*1 + cb*m1 + cr*m2).
    const r = Math.fround(Math.fround(y + Math.fround(cb * 0)) + Math.fround(cr * crR));
    const g = Math.fround(Math.fround(y + Math.fround(cb * cbG)) + Math.fround(cr * crG));
    const b = Math.fround(Math.fround(y + Math.fround(cb * cbB)) + Math.fround(cr * 0));
    data[i] = clip(Math.floor(Math.fround(r + 0.5)));
    data[i + 1] = clip(Math.floor(Math.fround(g + 0.5)));
    data[i + 2] = clip(Math.floor(Math.fround(b + 0.5)));
  }
}

function clip(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** YBR_FULL_422 stored uncompressed: Y1 Y2 Cb Cr per pixel pair; to interleaved YBR_FULL (chroma repeated). */
export function expandYbr422(src: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols * 3);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c += 2) {
      const y1 = src[s]!, y2 = src[s + 1]!, cb = src[s + 2]!, cr = src[s + 3]!;
      s += 4;
      const o = (r * cols + c) * 3;
      out[o] = y1; out[o + 1] = cb; out[o + 2] = cr;
      if (c + 1 < cols) { out[o + 3] = y2; out[o + 4] = cb; out[o + 5] = cr; }
    }
  }
  return out;
}
