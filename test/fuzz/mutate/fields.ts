/**
 * Length and size fields of each binary format, found by parsing the seed, so that mutations hit
 * what a reader trusts (a zip entry's compressed size, an HDF5 message size, a PNG's IHDR width)
 * instead of landing, as random flips mostly do, in compressed data.
 */
import { npyDataStart, pngChunks } from '../harness/materialize.ts';

export interface Field {
  name: string;
  at: number;
  width: 1 | 2 | 4 | 8;
  le: boolean;
  value: bigint;
}

function reader(b: Uint8Array) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fields: Field[] = [];
  const field = (name: string, at: number, width: 1 | 2 | 4 | 8, le = true): bigint | undefined => {
    if (at < 0 || at + width > b.length) return undefined;
    const value =
      width === 1 ? BigInt(b[at]) : width === 2 ? BigInt(dv.getUint16(at, le)) : width === 4 ? BigInt(dv.getUint32(at, le)) : dv.getBigUint64(at, le);
    fields.push({ name, at, width, le, value });
    return value;
  };
  return { dv, fields, field };
}

/** Offsets where the 4-byte ASCII or binary signature occurs. */
function findAll(b: Uint8Array, sig: readonly number[], limit = 2000): number[] {
  const out: number[] = [];
  for (let i = 0; i + sig.length <= b.length && out.length < limit; i++) {
    if (b[i] === sig[0] && sig.every((s, k) => b[i + k] === s)) out.push(i);
  }
  return out;
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Zip: every local header, central directory record and the end-of-central-directory record. */
export function zipFields(b: Uint8Array): Field[] {
  const { fields, field } = reader(b);
  findAll(b, [0x50, 0x4b, 0x03, 0x04]).forEach((o, i) => {
    const p = `zip.local[${i}]`;
    field(`${p}.flags`, o + 6, 2);
    field(`${p}.method`, o + 8, 2);
    field(`${p}.crc`, o + 14, 4);
    field(`${p}.compressedSize`, o + 18, 4);
    field(`${p}.size`, o + 22, 4);
    field(`${p}.nameLength`, o + 26, 2);
    field(`${p}.extraLength`, o + 28, 2);
  });
  findAll(b, [0x50, 0x4b, 0x01, 0x02]).forEach((o, i) => {
    const p = `zip.cd[${i}]`;
    field(`${p}.method`, o + 10, 2);
    field(`${p}.compressedSize`, o + 20, 4);
    field(`${p}.size`, o + 24, 4);
    field(`${p}.nameLength`, o + 28, 2);
    field(`${p}.extraLength`, o + 30, 2);
    field(`${p}.commentLength`, o + 32, 2);
    field(`${p}.localOffset`, o + 42, 4);
  });
  findAll(b, [0x50, 0x4b, 0x05, 0x06]).forEach((o, i) => {
    const p = `zip.eocd[${i}]`;
    field(`${p}.entriesHere`, o + 8, 2);
    field(`${p}.entries`, o + 10, 2);
    field(`${p}.cdSize`, o + 12, 4);
    field(`${p}.cdOffset`, o + 16, 4);
    field(`${p}.commentLength`, o + 20, 2);
  });
  return fields;
}

/**
 * HDF5 (what h5py writes by default: superblock v0, version-1 object headers, symbol-table groups):
 * superblock sizes and addresses, local heaps, B-tree nodes, symbol nodes, and every object header
 * reachable from a symbol node: its message count and size, each message's type and size, and
 * inside dataspace, datatype, layout and attribute messages their sizes and dimensions.
 */
export function h5Fields(b: Uint8Array): Field[] {
  const { dv, fields, field } = reader(b);
  const sb = findAll(b, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 1)[0];
  if (sb === undefined) return fields;
  const version = Number(field('h5.superblock.version', sb + 8, 1));
  const headers = new Set<number>();
  if (version === 0 || version === 1) {
    field('h5.superblock.offsetSize', sb + 13, 1);
    field('h5.superblock.lengthSize', sb + 14, 1);
    field('h5.superblock.groupLeafK', sb + 16, 2);
    field('h5.superblock.groupInternalK', sb + 18, 2);
    const a = sb + 24 + (version === 1 ? 4 : 0);
    field('h5.superblock.baseAddress', a, 8);
    field('h5.superblock.eofAddress', a + 16, 8);
    const root = field('h5.superblock.rootObjectHeader', a + 32 + 8, 8);
    if (root !== undefined) headers.add(Number(root));
  } else {
    field('h5.superblock.offsetSize', sb + 9, 1);
    field('h5.superblock.lengthSize', sb + 10, 1);
    field('h5.superblock.eofAddress', sb + 28, 8);
    const root = field('h5.superblock.rootObjectHeader', sb + 36, 8);
    if (root !== undefined) headers.add(Number(root));
  }
  findAll(b, ascii('HEAP')).forEach((o, i) => {
    field(`h5.heap[${i}].dataSize`, o + 8, 8);
    field(`h5.heap[${i}].freeListOffset`, o + 16, 8);
    field(`h5.heap[${i}].dataAddress`, o + 24, 8);
  });
  findAll(b, ascii('TREE')).forEach((o, i) => {
    field(`h5.btree[${i}].type`, o + 4, 1);
    field(`h5.btree[${i}].level`, o + 5, 1);
    field(`h5.btree[${i}].entries`, o + 6, 2);
    field(`h5.btree[${i}].child0`, o + 32, 8);
  });
  findAll(b, ascii('SNOD')).forEach((o, i) => {
    const n = Number(field(`h5.snod[${i}].symbols`, o + 6, 2) ?? 0n);
    for (let k = 0; k < Math.min(n, 64); k++) {
      const e = o + 8 + k * 40;
      field(`h5.snod[${i}].entry[${k}].nameOffset`, e, 8);
      const oh = field(`h5.snod[${i}].entry[${k}].objectHeader`, e + 8, 8);
      if (oh !== undefined) headers.add(Number(oh));
    }
  });
  findAll(b, ascii('OHDR')).forEach((o, i) => field(`h5.ohdr2[${i}].version`, o + 4, 1));
  let n = 0;
  for (const o of headers) if (o > 0 && o + 16 <= b.length && b[o] === 1) objectHeaderV1(b, dv, o, `h5.oh[${n++}]`, field);
  return fields;
}

type FieldFn = (name: string, at: number, width: 1 | 2 | 4 | 8, le?: boolean) => bigint | undefined;

/**
 * A version-1 object header: 16-byte prefix, then messages (type 2, size 2, flags 1, pad 3, body),
 * continued in the blocks that continuation messages point to (where h5py puts big attributes).
 */
function objectHeaderV1(b: Uint8Array, dv: DataView, o: number, p: string, field: FieldFn): void {
  const count = Number(field(`${p}.messages`, o + 2, 2));
  const size = Number(field(`${p}.headerSize`, o + 8, 4));
  const blocks: [number, number][] = [[o + 16, Math.min(b.length, o + 16 + size)]];
  let k = 0;
  for (let blk = 0; blk < blocks.length && blk < 16; blk++) {
    let [m, end] = blocks[blk];
    for (; k < Math.min(count, 128) && m + 8 <= end; k++) {
      const type = dv.getUint16(m, true);
      const len = dv.getUint16(m + 2, true);
      const q = `${p}.msg[${k}:${type}]`;
      field(`${q}.type`, m, 2);
      field(`${q}.size`, m + 2, 2);
      const next = message(b, type, m + 8, q, field);
      if (next && next[0] + next[1] <= b.length) blocks.push([next[0], next[0] + next[1]]);
      m += 8 + len;
    }
  }
}

/** The fields inside one message body; returns a continuation block's [offset, length]. */
function message(b: Uint8Array, type: number, body: number, q: string, field: FieldFn): [number, number] | undefined {
  if (type === 1) {
    // Dataspace v1: version, rank, flags, reserved 5, then rank 8-byte dims (and max dims).
    const rank = b[body + 1];
    field(`${q}.dataspace.rank`, body + 1, 1);
    for (let d = 0; d < Math.min(rank, 8); d++) field(`${q}.dataspace.dim${d}`, body + 8 + d * 8, 8);
  } else if (type === 3) {
    field(`${q}.datatype.classAndVersion`, body, 1);
    field(`${q}.datatype.size`, body + 4, 4);
  } else if (type === 8) {
    field(`${q}.layout.version`, body, 1);
    field(`${q}.layout.class`, body + 1, 1);
    field(`${q}.layout.address`, body + 2, 8);
    field(`${q}.layout.size`, body + 10, 8);
  } else if (type === 12) {
    field(`${q}.attribute.nameSize`, body + 2, 2);
    const dt = Number(field(`${q}.attribute.datatypeSize`, body + 4, 2) ?? 0n);
    field(`${q}.attribute.dataspaceSize`, body + 6, 2);
    // Version 1 pads the name and datatype to 8 bytes; the datatype's size field follows its class.
    const name = Number((b[body + 2] | (b[body + 3] << 8)) >>> 0);
    const dtAt = body + 8 + Math.ceil(name / 8) * 8;
    if (dt >= 8) field(`${q}.attribute.datatype.size`, dtAt + 4, 4);
    const dsAt = dtAt + Math.ceil(dt / 8) * 8;
    field(`${q}.attribute.dataspace.rank`, dsAt + 1, 1);
    field(`${q}.attribute.dataspace.dim0`, dsAt + 8, 8);
  } else if (type === 16) {
    const off = field(`${q}.continuation.offset`, body, 8);
    const len = field(`${q}.continuation.length`, body + 8, 8);
    if (off !== undefined && len !== undefined) return [Number(off), Number(len)];
  } else if (type === 17) {
    field(`${q}.symbolTable.btree`, body, 8);
    field(`${q}.symbolTable.heap`, body + 8, 8);
  }
  return undefined;
}

/** .npy: format version, header length. (Header text mutations are separate: npyHeaderArb.) */
export function npyFields(b: Uint8Array): Field[] {
  const { fields, field } = reader(b);
  field('npy.major', 6, 1);
  field('npy.minor', 7, 1);
  if (b[6] === 1) field('npy.headerLength', 8, 2);
  else field('npy.headerLength', 8, 4);
  field('npy.firstDataWord', npyDataStart(b), 4);
  return fields;
}

/** PNG: every chunk's length and CRC, IHDR's fields, PLTE/tRNS sizes. Big-endian throughout. */
export function pngFields(b: Uint8Array): Field[] {
  const { fields, field } = reader(b);
  pngChunks(b).forEach((c, i) => {
    const p = `png.chunk[${i}:${c.type}]`;
    field(`${p}.length`, c.at, 4, false);
    field(`${p}.crc`, c.at + 8 + c.data.length, 4, false);
    if (c.type === 'IHDR') {
      field('png.IHDR.width', c.at + 8, 4, false);
      field('png.IHDR.height', c.at + 12, 4, false);
      field('png.IHDR.depth', c.at + 16, 1);
      field('png.IHDR.colorType', c.at + 17, 1);
      field('png.IHDR.compression', c.at + 18, 1);
      field('png.IHDR.filter', c.at + 19, 1);
      field('png.IHDR.interlace', c.at + 20, 1);
    }
  });
  return fields;
}

/** JPEG: every segment's length; SOF precision, size, components; SOS components; DRI interval. */
export function jpegFields(b: Uint8Array): Field[] {
  const { dv, fields, field } = reader(b);
  for (let o = 2, i = 0; o + 4 <= b.length && i < 64; i++) {
    if (b[o] !== 0xff) break;
    const marker = b[o + 1];
    if (marker === 0xd9) break;
    const len = dv.getUint16(o + 2);
    const p = `jpeg.seg[${i}:${marker.toString(16)}]`;
    field(`${p}.length`, o + 2, 2, false);
    const s = o + 4;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      field(`${p}.sof.precision`, s, 1);
      field(`${p}.sof.height`, s + 1, 2, false);
      field(`${p}.sof.width`, s + 3, 2, false);
      const nc = Number(field(`${p}.sof.components`, s + 5, 1));
      for (let c = 0; c < Math.min(nc, 4); c++) {
        field(`${p}.sof.c${c}.sampling`, s + 7 + c * 3, 1);
        field(`${p}.sof.c${c}.quantTable`, s + 8 + c * 3, 1);
      }
    } else if (marker === 0xda) {
      const nc = Number(field(`${p}.sos.components`, s, 1));
      for (let c = 0; c < Math.min(nc, 4); c++) field(`${p}.sos.c${c}.tables`, s + 2 + c * 2, 1);
      field(`${p}.sos.spectralStart`, s + 1 + nc * 2, 1);
      field(`${p}.sos.spectralEnd`, s + 2 + nc * 2, 1);
      break; // entropy-coded data follows
    } else if (marker === 0xdd) field(`${p}.dri.interval`, s, 2, false);
    else if (marker === 0xc4) field(`${p}.dht.classAndId`, s, 1);
    else if (marker === 0xdb) field(`${p}.dqt.precisionAndId`, s, 1);
    o += 2 + len;
  }
  return fields;
}
