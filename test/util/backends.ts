/**
 * The two backends every model test runs on (issue 12): the same Keras reference and the same
 * tolerance asserted on WebGPU and on WebAssembly (ONNX Runtime Web running our exported graph).
 * Tests iterate over BACKENDS (describe.each) so a case cannot exist on one backend only by accident;
 * what only WebGPU has (which shader ran, autotuning, plan memory) stays on WebGPU with a comment.
 */
import { expect } from 'vitest';

export const BACKENDS = ['webgpu', 'wasm'] as const;
export type TestBackend = (typeof BACKENDS)[number];

/** The loaded model must really be on the backend the case is about (never a silent fallback). */
export function expectOnBackend(model: { backend: string }, backend: TestBackend): void {
  expect(model.backend, `model.backend`).toBe(backend);
}
