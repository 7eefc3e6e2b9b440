/**
 * IEEE 754 half-precision → float32, for TF.js float16-quantized weights (and .npy '<f2').
 * A lookup-free bit conversion: exact for every half value, subnormals and Inf/NaN included.
 */

/** Converts raw float16 bit patterns to float32 values. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const u32 = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) {
      u32[i] = sign | 0x7f800000 | (mant << 13); // Inf / NaN
    } else if (exp !== 0) {
      u32[i] = sign | ((exp + 112) << 23) | (mant << 13); // normal: rebias 15 → 127
    } else if (mant === 0) {
      u32[i] = sign; // ±0
    } else {
      // Subnormal half: normalise the mantissa into a float32 normal.
      let e = 113;
      while ((mant & 0x400) === 0) {
        mant <<= 1;
        e--;
      }
      u32[i] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
  return out;
}
