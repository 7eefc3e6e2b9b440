/**
 * Checks and regenerates src/onnx/schema.ts (the protobufjs JSON descriptor the ONNX exporter
 * encodes with) from the official ONNX schema:
 *
 *   curl -LO https://raw.githubusercontent.com/onnx/onnx/v1.17.0/onnx/onnx.proto3
 *   npx tsx scripts/onnx-schema.ts onnx.proto3
 *
 * It parses onnx.proto3 with protobufjs, takes every message and field the current descriptor
 * lists (to widen it, add the field's name there first), prints the descriptor with the types,
 * numbers and rules the official schema gives them (enums as int32, their wire form), and exits 1 if that differs from
 * src/onnx/schema.ts (listing the differences). The .proto itself is not kept in this repository.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { ONNX_SCHEMA } from '../src/onnx/schema.ts';

interface FieldJson {
  type: string;
  id: number;
  rule?: string;
}
interface TypeJson {
  oneofs?: Record<string, { oneof: string[] }>;
  fields: Record<string, FieldJson>;
  nested?: Record<string, TypeJson>;
}

const path = process.argv[2];
if (!path) {
  console.error('usage: npx tsx scripts/onnx-schema.ts path/to/onnx.proto3');
  process.exit(2);
}
const root = protobuf.parse(readFileSync(path, 'utf8')).root;
const differences: string[] = [];

/** `spec`'s fields re-read from the official message `name` (a dotted path inside `onnx`). */
function regenerate(name: string, spec: TypeJson): TypeJson {
  const type = root.lookupType(`onnx.${name}`);
  const fields: Record<string, FieldJson> = {};
  for (const [field, mine] of Object.entries(spec.fields)) {
    const official = type.fields[field];
    if (!official) {
      differences.push(`${name}.${field}: not in the official schema`);
      continue;
    }
    // Enums (AttributeProto.type) are written as int32 varints, as protobuf encodes them.
    const isEnum = official.resolve().resolvedType instanceof protobuf.Enum;
    const f: FieldJson = { type: isEnum ? 'int32' : official.type, id: official.id, ...(official.repeated ? { rule: 'repeated' } : {}) };
    if (f.type !== mine.type || f.id !== mine.id || f.rule !== mine.rule) differences.push(`${name}.${field}: ours ${JSON.stringify(mine)}, official ${JSON.stringify(f)}`);
    fields[field] = f;
  }
  const nested = spec.nested && Object.fromEntries(Object.entries(spec.nested).map(([n, s]) => [n, regenerate(`${name}.${n}`, s)]));
  return { ...(spec.oneofs ? { oneofs: spec.oneofs } : {}), fields, ...(nested ? { nested } : {}) };
}

const messages = ONNX_SCHEMA.nested.onnx.nested as unknown as Record<string, TypeJson>;
const out = { nested: { onnx: { nested: Object.fromEntries(Object.entries(messages).map(([n, s]) => [n, regenerate(n, s)])) } } };
console.log(`export const ONNX_SCHEMA = ${JSON.stringify(out, null, 2)} as const;`);
if (differences.length) {
  console.error(`src/onnx/schema.ts differs from ${path}:\n  ${differences.join('\n  ')}`);
  process.exit(1);
}
console.error(`src/onnx/schema.ts agrees with ${path} (${Object.keys(messages).length} messages)`);
