/**
 * NumPy `.npy` files (format versions 1, 2 and 3) ↔ `Tensor`. Reference inputs and outputs are kept
 * as .npy, so tests and tools read and write them here, in browsers and Node alike.
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE for v1, uint32 LE for v2/v3), a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
 * spaces and a newline, then the raw C-order data.
 */
import { ModelFormatError } from '../errors.ts';
import { sizeOf, type Tensor } from '../tensor.ts';
import { float16ToFloat32 } from './float16.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

type Reader = (buf: ArrayBuffer, n: number) => ArrayLike<number | bigint>;

/** Element types we convert to float32, by dtype without its byte-order character. */
const READERS: Record<string, [bytes: number, read: Reader]> = {
  f4: [4, (b, n) => new Float32Array(b, 0, n)],
  f8: [8, (b, n) => new Float64Array(b, 0, n)],
  f2: [2, (b, n) => float16ToFloat32(new Uint16Array(b, 0, n))],
  u1: [1, (b, n) => new Uint8Array(b, 0, n)],
  i1: [1, (b, n) => new Int8Array(b, 0, n)],
  b1: [1, (b, n) => new Uint8Array(b, 0, n)],
  u2: [2, (b, n) => new Uint16Array(b, 0, n)],
  i2: [2, (b, n) => new Int16Array(b, 0, n)],
  u4: [4, (b, n) => new Uint32Array(b, 0, n)],
  i4: [4, (b, n) => new Int32Array(b, 0, n)],
  u8: [8, (b, n) => new BigUint64Array(b, 0, n)],
  i8: [8, (b, n) => new BigInt64Array(b, 0, n)],
};

function fail(what: string, detail: string): never {
  throw new ModelFormatError(`${what}: not a usable .npy file: ${detail}`);
}

/**
 * Parses `.npy` bytes into a float32 tensor. Float32 little-endian is read as is; other numeric
 * dtypes ('<f8', '<f2', '|u1', '<i4', ...) are converted. Big-endian data and Fortran order are
 * refused rather than silently transposed or byte-swapped wrongly.
 * @param name names the file in error messages.
 */
export function parseNpy(bytes: Uint8Array | ArrayBuffer, name = 'array.npy'): Tensor {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length < 10 || !MAGIC.every((b, i) => u8[i] === b)) fail(name, 'no "\\x93NUMPY" signature');
  const major = u8[6];
  if (major < 1 || major > 3) fail(name, `unknown format version ${major}.${u8[7]}`);
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  // Version 2 and 3 have a 4-byte length: a 10- or 11-byte file has no room for it.
  if (u8.length < 8 + lenBytes) fail(name, 'truncated header');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenBytes;
  if (start + headerLen > u8.length) fail(name, 'truncated header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(u8.subarray(start, start + headerLen));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(name, `unreadable header ${header.trim()}`);
  if (fortran === 'True') fail(name, 'fortran_order=True (column-major) arrays are not supported; save with C order');
  const order = descr[0];
  const kind = descr.slice(1);
  if (order === '>') fail(name, `big-endian dtype '${descr}' is not supported; save as little-endian ('<f4')`);
  const reader = READERS[kind];
  if (!reader || !'<|='.includes(order) || (reader[0] > 1 && order === '|')) {
    fail(name, `dtype '${descr}' is not supported (numeric little-endian types only, e.g. '<f4')`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      // Python ints in decimal ("3", Python 2's "3L"), and safe ones: Number() would also take
      // "0x10", "1e3" or " ", and turn 9007199254740993 into ...992, a shape the file does not say.
      const d = /^\d+L?$/.test(s) ? Number(s.replace(/L$/, '')) : NaN;
      if (!Number.isSafeInteger(d)) fail(name, `bad shape (${shapeText})`);
      return d;
    });
  const n = sizeOf(shape);
  const [width, read] = reader;
  const dataStart = start + headerLen;
  if (u8.length - dataStart < n * width) {
    fail(name, `truncated data: shape (${shape.join(', ')}) needs ${n * width} bytes, the file has ${u8.length - dataStart}`);
  }
  // Copy so the typed array is aligned and independent of the caller's buffer
  // (`new Uint8Array(view)` copies; Node's Buffer#slice would return a view of the whole pool).
  const raw = new Uint8Array(u8.subarray(dataStart, dataStart + n * width)).buffer;
  const values = read(raw, n);
  const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>, Number);
  return { shape, data };
}

/** Writes a tensor as a version-1 `.npy` with dtype '<f4' (C order). */
export function toNpy(t: Tensor): Uint8Array {
  if (t.data.length !== sizeOf(t.shape)) {
    throw new RangeError(`toNpy: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
  }
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // numpy pads so the data starts on a 64-byte boundary; the header ends with "\n".
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + t.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const le = new DataView(out.buffer, total);
  for (let i = 0; i < t.data.length; i++) le.setFloat32(i * 4, t.data[i], true);
  return out;
}
