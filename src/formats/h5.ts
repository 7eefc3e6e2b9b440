/**
 * A thin, safe layer over jsfive (pure-JS HDF5, runs in browsers and Node). jsfive throws bare
 * strings and TypeErrors from deep inside its parser on truncated or corrupt files; everything here
 * turns those into ModelFormatErrors that name the file and what was being read.
 */
import * as hdf5 from 'jsfive';
import { ModelFormatError } from '../errors.ts';

export type H5Group = hdf5.Group;
export type H5Dataset = hdf5.Dataset;

/** HDF5 signature; the superblock may sit at 0, 512, 1024, 2048, ... (a user block before it). */
const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start (at one of the allowed offsets) with the HDF5 signature. */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let off = 0; off + 8 <= bytes.length && off <= 8192; off = off === 0 ? 512 : off * 2) {
    if (HDF5_MAGIC.every((b, i) => bytes[off + i] === b)) return true;
  }
  return false;
}

function message(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Runs a jsfive call, rethrowing any failure as a ModelFormatError about `what` in `file`. */
export function guard<T>(file: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(
      `"${file}" is not a readable HDF5 file (truncated or corrupt?): failed reading ${what}: ${message(e)}`,
      { cause: e },
    );
  }
}

/** Opens HDF5 bytes. `file` names the file in messages. */
export function openH5(bytes: Uint8Array, file: string): hdf5.File {
  if (!isHdf5(bytes)) throw new ModelFormatError(`"${file}" is not an HDF5 file (no HDF5 signature)`);
  // jsfive wants an ArrayBuffer holding exactly the file.
  const buf =
    bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : (new Uint8Array(bytes).buffer as ArrayBuffer); // a copy (Buffer.slice would be a view)
  const f = guard(file, 'the superblock', () => new hdf5.File(buf, file));
  guard(file, 'the root group', () => f.keys);
  return f;
}

// jsfive re-parses an object's header on every get(); walks revisit groups a lot, so cache children.
const childCache = new WeakMap<hdf5.Group, Map<string, hdf5.Group | hdf5.Dataset>>();

/** The child at `path` (slash-separated), or undefined when it does not exist. */
export function h5Child(file: string, group: hdf5.Group, path: string): hdf5.Group | hdf5.Dataset | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let cur: hdf5.Group | hdf5.Dataset = group;
  for (const p of parts) {
    if (!(cur instanceof hdf5.Group)) return undefined;
    const g: hdf5.Group = cur;
    let cache = childCache.get(g);
    if (!cache) childCache.set(g, (cache = new Map()));
    const hit = cache.get(p);
    if (hit) {
      cur = hit;
      continue;
    }
    if (!h5Keys(file, g).includes(p)) return undefined;
    cur = guard(file, `"${g.name.replace(/\/$/, '')}/${p}"`, () => g.get(p));
    cache.set(p, cur);
  }
  return cur;
}

/**
 * Where an object's header sits in the file: its identity. HDF5 hard links may point back at an
 * ancestor group, so a walk over groups must know where it has been (jsfive keeps the offset on
 * its private `_dataobjects`; undefined if a later jsfive moves it, and walks then rely on depth).
 */
export function h5Address(obj: hdf5.Group | hdf5.Dataset): number | undefined {
  const offset = (obj as unknown as { _dataobjects?: { offset?: unknown } })._dataobjects?.offset;
  return typeof offset === 'number' ? offset : undefined;
}

/** True when the object is a group (jsfive's File is a Group too). */
export function isGroup(o: unknown): o is hdf5.Group {
  return o instanceof hdf5.Group;
}

/** Member names of a group. */
export function h5Keys(file: string, group: hdf5.Group): string[] {
  return guard(file, `the members of "${group.name}"`, () => group.keys);
}

/** Attribute text; fixed-length HDF5 strings ('|S15') come back padded with NULs or spaces. */
function decode(v: unknown): string {
  const s = typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  return s.replace(/[\0 ]+$/, '');
}

/** A string attribute (Keras writes some as bytes); undefined when absent. */
export function attrString(file: string, obj: hdf5.Group | hdf5.Dataset, key: string): string | undefined {
  const attrs = guard(file, `the attributes of "${obj.name}"`, () => obj.attrs);
  if (!(key in attrs)) return undefined;
  const v = attrs[key];
  return Array.isArray(v) ? v.map(decode).join('') : decode(v);
}

/**
 * A string-list attribute such as `layer_names` / `weight_names`. Keras writes an empty list as an
 * empty float64 array; long lists are split over `name0`, `name1`, ... chunks (h5 attribute limit).
 */
export function attrStrings(file: string, obj: hdf5.Group | hdf5.Dataset, key: string): string[] | undefined {
  const attrs = guard(file, `the attributes of "${obj.name}"`, () => obj.attrs);
  const toList = (v: unknown): string[] =>
    Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<unknown>, decode) : [decode(v)];
  if (key in attrs) return toList(attrs[key]);
  if (!(`${key}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${key}${i}` in attrs; i++) out.push(...toList(attrs[`${key}${i}`]));
  return out;
}

const FLOAT_DTYPES = /^[<>|=]?f[248]$/;
const INT_DTYPES = /^[<>|=]?[iu][1248]$/;

/**
 * Reads a float dataset as float32. Integer or string datasets are refused: a Keras weight is a
 * float, and silently converting anything else would hide a wrong file. Integer scalars (counters,
 * see below) are the exception.
 */
export function readFloatDataset(
  file: string,
  ds: hdf5.Dataset,
  who: string,
): { shape: number[]; data: Float32Array } {
  const dtype = guard(file, `the dtype of ${who}`, () => ds.dtype);
  // One exception: an integer SCALAR is a layer's counter, not tensor data (an adapted
  // Normalization stores mean, variance and an int64 `count`); it is read as a number.
  const counter = typeof dtype === 'string' && INT_DTYPES.test(dtype) && guard(file, `the shape of ${who}`, () => ds.shape).length === 0;
  if (counter) {
    const v = guard(file, `the data of ${who}`, () => ds.value) as unknown;
    const first = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>)[0] : v;
    return { shape: [], data: Float32Array.of(Number(first)) };
  }
  if (typeof dtype !== 'string' || !FLOAT_DTYPES.test(dtype)) {
    throw new ModelFormatError(
      `${who} in "${file}" has dtype ${JSON.stringify(dtype)}; only float16/32/64 weights are supported`,
    );
  }
  const shape = guard(file, `the shape of ${who}`, () => ds.shape).map(Number);
  const value = guard(file, `the data of ${who}`, () => ds.value);
  if (!value || typeof (value as ArrayLike<number>).length !== 'number') {
    throw new ModelFormatError(`${who} in "${file}": dataset has no readable data`);
  }
  const data = Float32Array.from(value as ArrayLike<number>);
  const want = shape.reduce((a, b) => a * b, 1);
  if (data.length !== want) {
    throw new ModelFormatError(
      `${who} in "${file}": ${data.length} values for shape [${shape.join(', ')}] (${want} expected)`,
    );
  }
  return { shape, data };
}
