/**
 * A minimal protocol-buffers writer: just what the ONNX exporter (onnx-export.ts) needs, which is
 * varints, 32-bit floats, length-delimited bytes/strings and nested messages. Written here rather
 * than taking protobufjs + onnx-proto because the exporter emits a dozen message types with a
 * handful of fields each, and a schema library would add a code generator (or runtime reflection)
 * to the bench page for ~100 lines of work.
 *
 * A message is a list of byte chunks and their total length, so large payloads (weights as
 * raw_data, tens of MB for the seed network) are referenced, not copied, until `finish()` copies
 * everything once into the final buffer. Repeated scalars are written unpacked: onnx.proto is a
 * proto2 file without [packed=true], and every parser accepts that form.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export class ProtoMessage {
  private readonly parts: Uint8Array[] = [];
  private scratch: number[] = [];
  /** Encoded size in bytes. */
  length = 0;

  /** An int32/int64/enum/bool field (negative values as 10-byte two's complement, as int64 wants). */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this.flush();
  }

  /** A repeated int32/int64 field, one tag per value. */
  varints(field: number, values: readonly number[]): this {
    for (const v of values) this.varint(field, v);
    return this;
  }

  /** A `float` field (little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_I32);
    this.flush();
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.push(b);
  }

  /** A `bytes` field; the array is referenced until finish(), not copied. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(data.length);
    this.flush();
    return this.push(data);
  }

  string(field: number, text: string): this {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  strings(field: number, texts: readonly string[]): this {
    for (const t of texts) this.string(field, t);
    return this;
  }

  /** An embedded message. */
  message(field: number, m: ProtoMessage): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint(m.length);
    this.flush();
    for (const p of m.parts) this.push(p);
    return this;
  }

  messages(field: number, ms: readonly ProtoMessage[]): this {
    for (const m of ms) this.message(field, m);
    return this;
  }

  /** The encoded message in one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.scratch.push(byte);
    } while (v !== 0n);
  }

  private flush(): this {
    if (this.scratch.length) {
      this.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
    return this;
  }

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
}
