/**
 * FileRef → bytes, in the sandbox worker (and in the test process when a generator needs a seed's
 * bytes to find its fields). Seed files are read once and cached; edits never touch the cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, unzlibSync, zipSync, zlibSync } from 'fflate';
import { fixturesDir, repoRoot } from '../../util/fixtures.ts';
import type { ByteEdit, FileRef, JsonEdit, JsonPath, Marked, PngHeader } from './spec.ts';

const disk = new Map<string, Uint8Array<ArrayBuffer>>();
const zips = new Map<string, Record<string, Uint8Array>>();

/** Absolute path of a `repo:` or `shared:` seed path. */
export function seedPath(p: string): string {
  if (p.startsWith('repo:')) return join(repoRoot, p.slice(5));
  if (p.startsWith('shared:')) return join(fixturesDir(), p.slice(7));
  throw new Error(`fuzz: seed path "${p}" must start with repo: or shared:`);
}

function readSeed(p: string): Uint8Array<ArrayBuffer> {
  let b = disk.get(p);
  if (!b) disk.set(p, (b = new Uint8Array(readFileSync(seedPath(p)))));
  return b;
}

/** The bytes a FileRef stands for (a fresh copy whenever edits are involved). */
export function bytesOf(ref: FileRef): Uint8Array {
  if ('entry' in ref) {
    let z = zips.get(ref.path);
    if (!z) zips.set(ref.path, (z = unzipSync(readSeed(ref.path))));
    const e = z[ref.entry];
    if (!e) throw new Error(`fuzz: ${ref.path} has no entry ${ref.entry}`);
    return e;
  }
  if ('path' in ref) return readSeed(ref.path);
  if ('json' in ref) return new TextEncoder().encode(jsonText(editJson(parseJson(ref.json), ref.edits)));
  if ('base' in ref) return applyByteEdits(bytesOf(ref.base), ref.edits);
  if ('zip' in ref) {
    const entries: Record<string, Uint8Array> = {};
    for (const e of ref.zip) entries[e.name] = bytesOf(e.file);
    return zipSync(entries, { level: ref.level as 0 });
  }
  if ('png' in ref) return rebuildPng(bytesOf(ref.png), ref);
  if ('npy' in ref) return rebuildNpy(bytesOf(ref.npy), ref.header);
  if ('inline' in ref) return new TextEncoder().encode(jsonText(ref.inline));
  return randomFloats(ref.random);
}

/** The parsed JSON of a seed (before edits); an inline document keeps its markers. */
export function parseJson(ref: FileRef): unknown {
  if ('inline' in ref) return ref.inline;
  return JSON.parse(new TextDecoder().decode(bytesOf(ref)));
}

function randomFloats(bytes: number): Uint8Array {
  const out = new Float32Array(Math.floor(bytes / 4));
  let x = 0x2545f491;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 2 ** 31 - 1;
  }
  return new Uint8Array(out.buffer, 0, bytes - (bytes % 4));
}

// ---------------------------------------------------------------- byte edits

export function applyByteEdits(src: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let b: Uint8Array = new Uint8Array(src);
  for (const e of edits) b = applyOne(b, e);
  return b;
}

function applyOne(b: Uint8Array, e: ByteEdit): Uint8Array {
  const pos = (at: number) => (b.length === 0 ? 0 : at % b.length);
  switch (e.op) {
    case 'flip':
      if (b.length > 0) b[pos(e.at)] ^= e.mask || 1;
      return b;
    case 'set':
      e.bytes.forEach((v, i) => pos(e.at) + i < b.length && (b[pos(e.at) + i] = v));
      return b;
    case 'int': {
      const at = pos(e.at);
      let v = BigInt(e.value);
      for (let i = 0; i < e.width && at + i < b.length; i++) {
        const byte = Number(v & 0xffn);
        v >>= 8n;
        b[e.le ? at + i : at + e.width - 1 - i] = byte;
      }
      return b;
    }
    case 'truncate':
      return b.slice(0, e.at % (b.length + 1));
    case 'insert': {
      const at = e.at % (b.length + 1);
      const out = new Uint8Array(b.length + e.bytes.length);
      out.set(b.subarray(0, at));
      out.set(e.bytes, at);
      out.set(b.subarray(at), at + e.bytes.length);
      return out;
    }
    case 'delete': {
      const at = e.at % (b.length + 1);
      const out = new Uint8Array(b.length - Math.min(e.len, b.length - at));
      out.set(b.subarray(0, at));
      out.set(b.subarray(at + e.len), at);
      return out;
    }
    case 'copy': {
      if (b.length === 0) return b;
      const from = pos(e.from);
      b.copyWithin(pos(e.to), from, Math.min(b.length, from + e.len));
      return b;
    }
  }
}

// ---------------------------------------------------------------- JSON edits and markers

const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

/** The doc after edits; paths that no longer exist (an earlier edit removed them) are skipped. */
export function editJson(doc: unknown, edits: readonly JsonEdit[]): unknown {
  let root = clone(doc);
  for (const e of edits) {
    if (e.op === 'reverse-keys') {
      root = e.path.length === 0 ? reversedKeys(root) : root;
      const parent = at(root, e.path.slice(0, -1)) as Record<string | number, unknown> | undefined;
      const key = e.path[e.path.length - 1];
      if (e.path.length > 0 && parent && typeof parent === 'object' && key in parent) parent[key] = reversedKeys(parent[key]);
      continue;
    }
    if (e.path.length === 0) {
      if (e.op === 'replace') root = clone(e.value);
      else if (e.op === 'wrap') root = { $wrap: e.depth, value: root };
      else if (e.op === 'nest-model') root = { $nest: e.depth, model: root };
      continue;
    }
    const parent = at(root, e.path.slice(0, -1));
    const key = e.path[e.path.length - 1];
    if (parent === null || typeof parent !== 'object' || !(key in (parent as object))) continue;
    const p = parent as Record<string | number, unknown>;
    if (e.op === 'delete') {
      if (Array.isArray(p)) p.splice(Number(key), 1);
      else delete p[key];
    } else if (e.op === 'replace') p[key] = clone(e.value);
    else if (e.op === 'duplicate') {
      if (Array.isArray(p)) p.splice(Number(key), 0, clone(p[Number(key)]));
    } else if (e.op === 'wrap') p[key] = { $wrap: e.depth, value: p[key] };
    else p[key] = { $nest: e.depth, model: p[key] };
  }
  return root;
}

function at(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversedKeys(x)]));
}

function wrapped(v: unknown, depth: number): unknown {
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * A model config `{name, layers, ...}` as the one layer of a Sequential, itself the one layer of a
 * Sequential, `depth` times. Built iteratively (and written as text by repetition) so that the
 * harness, unlike the reader under test, never recurses `depth` deep.
 */
function nested(cfg: unknown, depth: number): unknown {
  let inner = cfg;
  for (let i = 0; i < depth; i++) inner = { name: `nest_${i}`, layers: [{ class_name: 'Sequential', config: inner }] };
  return inner;
}
const NEST_OPEN = (i: number) => `{"name":"nest_${i}","layers":[{"class_name":"Sequential","config":`;

/** Markers expanded into a JS value: NaN and Infinity as numbers, deep arrays built iteratively. */
export function expand(v: Marked): unknown {
  if (Array.isArray(v)) return v.map(expand);
  if (v === null || typeof v !== 'object') return v;
  const m = v as Record<string, unknown>;
  if (typeof m.$ === 'string') return Number(m.$);
  if (typeof m.$deep === 'number') return wrapped([], Math.max(0, m.$deep - 1));
  if (typeof m.$wrap === 'number') return wrapped(expand(m.value), m.$wrap);
  if (typeof m.$nest === 'number') return nested(expand(m.model), m.$nest);
  if (typeof m.$long === 'number') return 'x'.repeat(m.$long);
  if (typeof m.$zeros === 'number') return new Array(m.$zeros).fill(0);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(m)) out[k] = expand(x);
  return out;
}

/** Markers expanded into JSON text: NaN/Infinity as the bare tokens Python's json writes. */
export function jsonText(v: Marked): string {
  const raw: string[] = [];
  const token = (s: string) => `\u0000${raw.push(s) - 1}\u0000`;
  const walk = (x: Marked): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (x === null || typeof x !== 'object') return x;
    const m = x as Record<string, unknown>;
    if (typeof m.$ === 'string') return token(m.$);
    if (typeof m.$deep === 'number') return token('['.repeat(m.$deep) + ']'.repeat(m.$deep));
    if (typeof m.$wrap === 'number') return token('['.repeat(m.$wrap) + jsonText(m.value) + ']'.repeat(m.$wrap));
    if (typeof m.$nest === 'number') {
      const open = Array.from({ length: m.$nest }, (_, i) => NEST_OPEN(m.$nest as number - 1 - i)).join('');
      return token(open + jsonText(m.model) + '}]}'.repeat(m.$nest));
    }
    if (typeof m.$long === 'number' || typeof m.$zeros === 'number') return expand(m);
    const out: Record<string, unknown> = {};
    for (const [k, y] of Object.entries(m)) out[k] = walk(y);
    return out;
  };
  return JSON.stringify(walk(v)).replace(/"\\u0000(\d+)\\u0000"/g, (_, i) => raw[Number(i)]);
}

// ---------------------------------------------------------------- PNG and npy rebuilding

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface PngChunk {
  type: string;
  data: Uint8Array;
  /** Offset of the chunk's length field in the file. */
  at: number;
}

/** The chunks of a PNG (stops at the first chunk that runs past the end). */
export function pngChunks(b: Uint8Array): PngChunk[] {
  const out: PngChunk[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 12 <= b.length; ) {
    const len = dv.getUint32(at);
    if (at + 12 + len > b.length) break;
    out.push({ type: String.fromCharCode(...b.subarray(at + 4, at + 8)), data: b.subarray(at + 8, at + 8 + len), at });
    at += 12 + len;
  }
  return out;
}

function rebuildPng(src: Uint8Array, ref: { ihdr?: Partial<PngHeader>; dataEdits?: ByteEdit[]; fixCrc: boolean }): Uint8Array {
  const chunks = pngChunks(src);
  const idat = chunks.filter((c) => c.type === 'IDAT');
  const parts: Uint8Array[] = [src.subarray(0, 8)];
  const put = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, ref.fixCrc ? crc32(out.subarray(4, 8 + data.length)) : 0);
    parts.push(out);
  };
  let wroteData = false;
  for (const c of chunks) {
    if (c.type === 'IHDR' && ref.ihdr) {
      const d = new Uint8Array(c.data);
      const dv = new DataView(d.buffer);
      const h = ref.ihdr;
      if (h.width !== undefined) dv.setUint32(0, h.width >>> 0);
      if (h.height !== undefined) dv.setUint32(4, h.height >>> 0);
      if (h.depth !== undefined) d[8] = h.depth;
      if (h.colorType !== undefined) d[9] = h.colorType;
      if (h.interlace !== undefined) d[12] = h.interlace;
      put('IHDR', d);
    } else if (c.type === 'IDAT') {
      if (wroteData) continue;
      wroteData = true;
      const all = new Uint8Array(idat.reduce((s, x) => s + x.data.length, 0));
      let o = 0;
      for (const x of idat) all.set(x.data, (o += x.data.length) - x.data.length);
      put('IDAT', ref.dataEdits ? zlibSync(applyByteEdits(unzlibSync(all), ref.dataEdits)) : all);
    } else put(c.type, c.data);
  }
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

/** Where a .npy's data starts (after its header), or 10 when the header length is unreadable. */
export function npyDataStart(b: Uint8Array): number {
  const major = b[6];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (major === 1 && b.length >= 10) return 10 + dv.getUint16(8, true);
  if (b.length >= 12) return 12 + dv.getUint32(8, true);
  return Math.min(10, b.length);
}

function rebuildNpy(src: Uint8Array, header: string): Uint8Array {
  const data = src.subarray(Math.min(npyDataStart(src), src.length));
  const v2 = header.length > 65000;
  const pre = v2 ? 12 : 10;
  const padded = header.padEnd(Math.ceil((pre + header.length + 1) / 64) * 64 - pre - 1, ' ') + '\n';
  const out = new Uint8Array(pre + padded.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, v2 ? 2 : 1, 0]);
  const dv = new DataView(out.buffer);
  if (v2) dv.setUint32(8, padded.length, true);
  else dv.setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[pre + i] = padded.charCodeAt(i) & 0xff;
  out.set(data, pre + padded.length);
  return out;
}
