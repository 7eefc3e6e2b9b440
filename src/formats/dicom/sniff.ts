/**
 * Whether bytes look like DICOM, without loading the parser (loadImage sniffs every file it is given).
 */

/** True when `bytes` has "DICM" at 128. */
export function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Two upper-case ASCII letters: an explicit VR where a bare data set's first element has one. */
function looksLikeVr(a: number, b: number): boolean {
  return a >= 0x41 && a <= 0x5a && b >= 0x41 && b <= 0x5a;
}

/**
 * How a file without "DICM" at 128 starts: 'meta' (a group 0002 element, the preamble left out),
 * 'explicit'/'implicit' (a bare data set, group 0008 or 0010 etc.), or undefined (not DICOM).
 */
export function bareStart(bytes: Uint8Array): 'meta' | 'explicit' | 'implicit' | undefined {
  if (bytes.length < 8) return undefined;
  const group = bytes[0]! | (bytes[1]! << 8);
  const element = bytes[2]! | (bytes[3]! << 8);
  if (group === 0x0002 && looksLikeVr(bytes[4]!, bytes[5]!)) return 'meta';
  // A data set starts with a low, even group (0008 Identifying is near universal); anything else
  // (a PNG, a zip, text) is not one.
  if (group !== 0x0008 && group !== 0x0010 && group !== 0x0018 && group !== 0x0020 && group !== 0x0028) return undefined;
  if (element > 0x0100 && group === 0x0008) return undefined;
  return looksLikeVr(bytes[4]!, bytes[5]!) ? 'explicit' : 'implicit';
}
