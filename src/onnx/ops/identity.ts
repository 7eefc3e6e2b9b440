/** identity (Dropout and the like at inference) → nothing: its output is its input. */
import type { OnnxEmitter } from '../emitter.ts';

export const identityOnnx: OnnxEmitter<'identity'> = ({ inputs: [x] }) => x;
