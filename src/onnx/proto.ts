/**
 * Protobuf encoding of an ONNX ModelProto with protobufjs' Writer (`protobufjs/minimal`: varints,
 * floats, length-delimited fields), driven by the descriptor in ./schema.ts. The walk over the
 * descriptor is done here rather than by protobufjs' reflection (`protobufjs/light`), because that
 * compiles its encoders with `new Function`, which a page with a strict Content-Security-Policy
 * (no 'unsafe-eval') refuses; this path evaluates no code.
 *
 * protobufjs is imported lazily, only when a model is exported, so WebGPU-only apps never load it.
 * The package does not depend on it: `npm run build` bundles this one module into
 * dist/vendor/protobufjs-minimal.js (34 kB; scripts/build/vendor.config.ts) and points this import
 * there. A failing import (a broken install, or a repository checkout without dev dependencies) is
 * a MissingPackageError.
 */
import { MissingPackageError } from '../errors.ts';
import { ONNX_SCHEMA } from './schema.ts';

/** The slice of protobufjs' Writer used here. */
interface Writer {
  uint32(value: number): Writer;
  int32(value: number): Writer;
  int64(value: number): Writer;
  float(value: number): Writer;
  string(value: string): Writer;
  bytes(value: Uint8Array): Writer;
  fork(): Writer;
  ldelim(): Writer;
  finish(): Uint8Array;
}
interface WriterStatic {
  create(): Writer;
}

/** A message as plain data: field name (as in ./schema.ts) → value. */
export type ProtoMessage = { readonly [field: string]: ProtoValue | undefined };
export type ProtoValue = number | string | Uint8Array | ProtoMessage | readonly (number | string | Uint8Array | ProtoMessage)[];

interface FieldSpec {
  type: string;
  id: number;
  rule?: string;
}
interface TypeSpec {
  fields: Record<string, FieldSpec>;
  nested?: Record<string, TypeSpec>;
}

const WIRE = { varint: 0, fixed32: 5, delimited: 2 } as const;
const SCALARS = new Set(['int32', 'int64', 'float', 'string', 'bytes']);

let writerClass: Promise<WriterStatic> | undefined;

/** protobufjs' Writer, imported on first use. */
async function loadWriter(): Promise<WriterStatic> {
  writerClass ??= import('protobufjs/minimal.js').then(
    (m) => ((m as { default?: { Writer: WriterStatic } }).default ?? (m as unknown as { Writer: WriterStatic })).Writer,
    (cause: unknown) => {
      writerClass = undefined;
      // Not installed (Node: ERR_MODULE_NOT_FOUND; a browser: an unresolved bare specifier) is the
      // usual reason; the cause's own words are kept for anything else.
      const why = String((cause as Error)?.message ?? cause).split('\n')[0];
      throw new MissingPackageError(`Writing ONNX needs protobufjs, which could not be loaded (${why}); the package bundles it in dist/vendor, so reinstall medimg-webgpu (in a repository checkout: npm install)`, { cause });
    },
  );
  return writerClass;
}

/** The descriptor of a message type by its name inside `onnx` ("ModelProto", "TensorShapeProto.Dimension"), if any. */
function findSpec(path: string): TypeSpec | undefined {
  let spec: TypeSpec | undefined;
  let scope: Record<string, TypeSpec> | undefined = ONNX_SCHEMA.nested.onnx.nested as unknown as Record<string, TypeSpec>;
  for (const part of path.split('.')) {
    spec = scope && Object.hasOwn(scope, part) ? scope[part] : undefined;
    scope = spec?.nested;
  }
  return spec;
}

function typeSpec(path: string): TypeSpec {
  const spec = findSpec(path);
  if (!spec) throw new Error(`internal: no ONNX message ${path}`);
  return spec;
}

/** A field's type name resolved the way protobuf does: nested in the message first, then in `onnx`. */
const resolveType = (owner: string, type: string): string => (findSpec(`${owner}.${type}`) ? `${owner}.${type}` : type);

function writeScalar(w: Writer, type: string, v: number | string | Uint8Array): void {
  if (type === 'int32') w.int32(v as number);
  else if (type === 'int64') w.int64(v as number);
  else if (type === 'float') w.float(v as number);
  else if (type === 'string') w.string(v as string);
  else w.bytes(v as Uint8Array);
}

const wireOf = (type: string): number => (type === 'float' ? WIRE.fixed32 : type === 'string' || type === 'bytes' ? WIRE.delimited : WIRE.varint);

function writeMessage(w: Writer, typeName: string, msg: ProtoMessage): void {
  const spec = typeSpec(typeName);
  for (const [name, field] of Object.entries(spec.fields)) {
    const value = msg[name];
    if (value === undefined) continue;
    const scalar = SCALARS.has(field.type);
    const values = field.rule === 'repeated' ? (value as readonly (number | string | Uint8Array | ProtoMessage)[]) : [value as number | string | Uint8Array | ProtoMessage];
    if (scalar && field.rule === 'repeated' && wireOf(field.type) !== WIRE.delimited) {
      // proto3 packs repeated numbers: one length-delimited run.
      if (values.length === 0) continue;
      w.uint32(((field.id << 3) | WIRE.delimited) >>> 0).fork();
      for (const v of values) writeScalar(w, field.type, v as number);
      w.ldelim();
      continue;
    }
    for (const v of values) {
      if (scalar) {
        w.uint32(((field.id << 3) | wireOf(field.type)) >>> 0);
        writeScalar(w, field.type, v as number | string | Uint8Array);
      } else {
        w.uint32(((field.id << 3) | WIRE.delimited) >>> 0).fork();
        writeMessage(w, resolveType(typeName, field.type), v as ProtoMessage);
        w.ldelim();
      }
    }
  }
}

/** Encodes `model` (an onnx.ModelProto as plain data) to its protobuf bytes. */
export async function encodeModel(model: ProtoMessage): Promise<Uint8Array> {
  const w = (await loadWriter()).create();
  writeMessage(w, 'ModelProto', model);
  const out = w.finish();
  // Node's BufferWriter returns a Buffer: hand back a plain Uint8Array over the same bytes.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
