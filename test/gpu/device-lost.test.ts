/**
 * A lost GPU device, in headless Chromium: calls in flight when it goes fail with DeviceLostError
 * (a GPUExecutionError naming WebGPU's reason), never a bare DOMException or a hang. A model that
 * requested its own device recovers on its next call: it requests a new device, frees what it held
 * on the lost one and rebuilds its plan from the graph, giving the same answers as before. A model
 * on a device the caller supplied cannot do that: every call says the device was lost and that a
 * new one must be given, and loading the model again with a new device works. A model loaded with
 * backend 'auto' whose GPU offers no new device moves to WebAssembly and keeps answering.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Failure, FallbackReport, OwnedDeviceReport, SuppliedDeviceReport } from '../browser/device-lost.ts';
import { repoRoot } from '../util/fixtures.ts';
import { fileUrl, gpuPage } from '../util/gpu.ts';

const MALARIA = fileUrl(join(repoRoot, 'weights/malaria-cnn/model.json'));

async function call<T>(fn: string, ...args: unknown[]): Promise<T> {
  const page = await gpuPage();
  return page.evaluate(`import('/test/browser/device-lost.ts').then((m) => m.${fn}(...${JSON.stringify(args)}))`) as Promise<T>;
}

function failure(o: { ok: number[] } | { failed: Failure }): Failure {
  if (!('failed' in o)) throw new Error(`expected the call to fail, it returned ${JSON.stringify(o.ok)}`);
  return o.failed;
}

function answer(o: { ok: number[] } | { failed: Failure }): number[] {
  if (!('ok' in o)) throw new Error(`expected an answer, the call failed: ${o.failed.name}: ${o.failed.message}`);
  return o.ok;
}

describe('device loss', () => {
  it('a model with its own device: calls in flight get DeviceLostError with the reason, the next calls recover with a new device', async () => {
    const r = await call<OwnedDeviceReport>('ownedDevice', MALARIA);
    expect(r.inFlight).toHaveLength(3);
    for (const o of r.inFlight) {
      const e = failure(o);
      expect(e).toMatchObject({ name: 'DeviceLostError', code: 'GPU_EXECUTION', recovers: true, isGpuExecutionError: true });
      expect(e.reason).toMatch(/^destroyed/);
      expect(e.message).toContain('GPU device was lost');
      expect(e.message).toContain(e.reason);
      expect(e.message).toMatch(/new device on its next call/);
    }
    // Three calls after the loss, together: one new device, the same answers as before it.
    expect(r.after.map(answer)).toEqual(r.before);
    expect(answer(r.afterImage)).toEqual(r.beforeImage); // preprocessing rebuilt too
    expect(r.newDevice).toBe(true);
    expect(r.leftOnLostDevice).toBe(0);
    expect(r.afterDispose).toBe(0);
  }, 300_000);

  it('a model on a supplied device: in flight and after, DeviceLostError saying a new device must be given; a reload with one works', async () => {
    const r = await call<SuppliedDeviceReport>('suppliedDevice', MALARIA);
    for (const o of [r.inFlight, ...r.after]) {
      const e = failure(o);
      expect(e).toMatchObject({ name: 'DeviceLostError', code: 'GPU_EXECUTION', recovers: false, isGpuExecutionError: true });
      expect(e.reason).toMatch(/^destroyed/);
      expect(e.message).toContain('`device` option was lost');
      expect(e.message).toContain('load the model again');
    }
    expect(answer(r.reloaded)).toEqual(r.before);
  }, 300_000);

  it("backend 'auto': when the device is lost and the GPU offers no new one, the next calls run on WebAssembly with the same answers", async () => {
    const r = await call<FallbackReport>('fallsToWasm', MALARIA);
    expect(r.before).toMatchObject({ backend: 'webgpu', reason: 'hardware adapter (test pretend-hardware a GPU that goes away)' });
    expect(r.after.backend).toBe('wasm');
    expect(r.after.reason).toMatch(/^the GPU device was lost and no new one could be had \(.*\): WebAssembly$/);
    expect(r.after.adapter).toBe('WebAssembly (ONNX Runtime Web)');
    // Three calls together after the loss: one move to WebAssembly; f32 on both sides.
    r.answersAfter.forEach((o, k) => {
      const after = answer(o);
      expect(after).toHaveLength(r.answersBefore[k].length);
      after.forEach((v, i) => expect(Math.abs(v - r.answersBefore[k][i]), `input ${k}[${i}]`).toBeLessThanOrEqual(1e-5));
    });
    const image = answer(r.imageAfter);
    image.forEach((v, i) => expect(Math.abs(v - r.imageBefore[i])).toBeLessThanOrEqual(1e-5));
  }, 300_000);
});
