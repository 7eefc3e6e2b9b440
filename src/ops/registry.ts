/**
 * The one table from Keras layer class to op module, and from op key to module.
 * Adding a layer means adding its module and a line here; nothing else switches on layer type.
 */
import type { OpModule } from './types.ts';
import { dense } from './dense.ts';

/** Op modules by op key. */
export const OPS: Readonly<Record<string, OpModule>> = Object.fromEntries(
  [dense].map((m) => [m.op, m]),
);

/** Keras layer class → op key. */
export const KERAS_LAYERS: Readonly<Record<string, string>> = {
  Dense: 'dense',
};

export function opModule(op: string): OpModule {
  const m = OPS[op];
  if (!m) throw new Error(`internal: no op module "${op}"`);
  return m;
}
