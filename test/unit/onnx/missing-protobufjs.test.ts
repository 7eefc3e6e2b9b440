/** If protobufjs cannot be loaded (bundled in dist/vendor; a dev dependency here) the export fails with MissingPackageError saying what to do. */
import { describe, expect, it, vi } from 'vitest';
import { MissingPackageError } from '../../../src/errors.ts';
import { exportOnnx } from '../../../src/onnx/index.ts';
import { singleOpGraph } from '../../util/graphs.ts';

vi.mock('protobufjs/minimal.js', () => {
  throw Object.assign(new Error("Cannot find package 'protobufjs'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('exportOnnx without protobufjs', () => {
  it('throws MissingPackageError naming protobufjs and the reinstall', async () => {
    const graph = singleOpGraph({ op: 'identity', attrs: {}, inputShapes: [[1, 3]] });
    const err = await exportOnnx(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPackageError);
    expect((err as Error).message).toMatch(/protobufjs, which could not be loaded .*reinstall medimg-webgpu \(in a repository checkout: npm install\)/);
  });
});
