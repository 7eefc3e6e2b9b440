/** Without protobufjs (an optional peer) the export fails with MissingPackageError naming the install. */
import { describe, expect, it, vi } from 'vitest';
import { MissingPackageError } from '../../../src/errors.ts';
import { exportOnnx } from '../../../src/onnx/index.ts';
import { singleOpGraph } from '../../util/graphs.ts';

vi.mock('protobufjs/minimal.js', () => {
  throw Object.assign(new Error("Cannot find package 'protobufjs'"), { code: 'ERR_MODULE_NOT_FOUND' });
});

describe('exportOnnx without protobufjs', () => {
  it('throws MissingPackageError saying npm install protobufjs', async () => {
    const graph = singleOpGraph({ op: 'identity', attrs: {}, inputShapes: [[1, 3]] });
    const err = await exportOnnx(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPackageError);
    expect((err as Error).message).toMatch(/npm install protobufjs/);
  });
});
