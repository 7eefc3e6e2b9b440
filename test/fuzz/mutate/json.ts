/**
 * Structural mutations of JSON documents (model.json, config.json, architecture JSON): keys
 * dropped, values of the wrong type, huge and non-finite numbers, deep nesting, duplicated
 * entries, models nested in themselves. Paths come from the seed document, so every edit lands.
 */
import fc from 'fast-check';
import type { JsonEdit, JsonPath, Marked } from '../harness/spec.ts';

/** Every path in the document (root excluded), depth first, at most `max`. */
export function jsonPaths(doc: unknown, max = 50_000): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (v: unknown, path: JsonPath) => {
    if (out.length >= max || v === null || typeof v !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) {
      out.push([...path, k]);
      walk(x, [...path, k]);
    }
  };
  walk(doc, []);
  return out;
}

/** Values of every wrong kind: non-finite, huge, negative, fractional, wrong type, empty, deep, long. */
export const WEIRD_VALUES: Marked[] = [
  null, true, false, 0, -1, 1, 2, 1.5, -0.5, 1e9, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e308, -1e308,
  { $: 'NaN' }, { $: 'Infinity' }, { $: '-Infinity' },
  '', 'x', '3', 'same', 'valid', 'channels_first', 'relu', 'Functional', 'Sequential', 'float16', 'int8', '__proto__', 'constructor', 'toString',
  [], {}, [0], [-1], [1e9, 1e9], [null], [[]], [1, 2, 3, 4, 5, 6, 7],
  { $deep: 64 }, { $deep: 100_000 }, { $long: 1_000_000 }, { $zeros: 100_000 },
];

/** Strings found in the document (layer names, class names, paths), to swap in where others stood. */
function stringsOf(doc: unknown, max = 64): string[] {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (out.size >= max) return;
    if (typeof v === 'string') out.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(doc);
  return [...out];
}

/**
 * Edits of `doc`. `focus` (optional) picks paths to favour, e.g. the weights manifest; model
 * configs (objects with a `layers` list) are where nest-model applies.
 */
export function jsonEditsArb(doc: unknown, focus?: (p: JsonPath) => boolean): fc.Arbitrary<JsonEdit[]> {
  const all = jsonPaths(doc);
  const focused = focus ? all.filter(focus) : [];
  const pathArb: fc.Arbitrary<JsonPath> =
    focused.length > 0 ? fc.oneof(fc.constantFrom(...all), fc.constantFrom(...focused)) : fc.constantFrom(...all);
  const models = [[] as JsonPath, ...all].filter((p) => {
    let v: unknown = doc;
    for (const k of p) v = (v as Record<string | number, unknown>)[k];
    return v !== null && typeof v === 'object' && Array.isArray((v as { layers?: unknown }).layers);
  });
  const strings = stringsOf(doc);
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...WEIRD_VALUES) },
    { weight: 1, arbitrary: strings.length > 0 ? fc.constantFrom(...strings) : fc.constant('x') },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) },
  );
  const edit: fc.Arbitrary<JsonEdit> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), path: pathArb, value }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), path: pathArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), path: pathArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), path: pathArb, depth: fc.constantFrom(1, 2, 5000) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('nest-model' as const),
        path: fc.constantFrom(...models),
        depth: fc.constantFrom(1, 2, 3, 200, 5000, 50_000),
      }),
    },
  );
  return fc.array(edit, { minLength: 1, maxLength: 3 });
}
