/**
 * Adapter probes: what this adapter can attain on a well-tiled matrix product (GFLOP/s) and on a
 * plain copy (GB/s). Each probe runs its dispatches in one compute pass timed with timestampWrites
 * (wall time from submit to completion where the adapter has no timestamps), after a warm-up.
 */
import type { GpuContext } from '../../src/gpu/device.ts';
import matmulWgsl from '../probes/matmul.wgsl?raw';
import copyWgsl from '../probes/copy.wgsl?raw';

const STORAGE = 0x0080;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const UNIFORM = 0x0040;
const MAP_READ = 0x0001;
const QUERY_RESOLVE = 0x0200;

export interface ProbeResult {
  matmul: { n: number; ms: number; gflops: number; timer: string };
  copy: { mb: number; ms: number; gbps: number; timer: string };
}

async function timePass(gpu: GpuContext, encode: (pass: GPUComputePassEncoder) => void): Promise<{ ms: number; timer: string }> {
  const { device } = gpu;
  const ts = gpu.hasTimestampQuery;
  const qs = ts ? device.createQuerySet({ type: 'timestamp', count: 2 }) : undefined;
  const resolve = ts ? device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }) : undefined;
  const read = ts ? device.createBuffer({ size: 16, usage: MAP_READ | COPY_DST }) : undefined;
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass(qs ? { timestampWrites: { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {});
  encode(pass);
  pass.end();
  if (qs && resolve && read) {
    enc.resolveQuerySet(qs, 0, 2, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16);
  }
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const wall = performance.now() - t0;
  if (!qs || !read) return { ms: wall, timer: 'wall' };
  await read.mapAsync(MAP_READ);
  const t = new BigInt64Array(read.getMappedRange().slice(0));
  read.unmap();
  qs.destroy();
  resolve!.destroy();
  read.destroy();
  const ms = Number(t[1] - t[0]) / 1e6;
  // A quantised or unsupported timer can read 0: the wall time is then the better figure.
  return ms > 0 ? { ms, timer: 'timestamp-query' } : { ms: wall, timer: 'wall' };
}

/** Runs both probes; `n` is the matrix size (multiple of 32), `copyMb` the copied buffer's size. */
export async function runProbes(gpu: GpuContext, n = 1024, copyMb = 64, reps = 3): Promise<ProbeResult> {
  const { device } = gpu;
  const buf = (bytes: number, usage: number) => device.createBuffer({ size: bytes, usage });
  const a = buf(n * n * 4, STORAGE | COPY_DST);
  const b = buf(n * n * 4, STORAGE | COPY_DST);
  const c = buf(n * n * 4, STORAGE | COPY_SRC);
  const ones = new Float32Array(n * n).fill(1);
  device.queue.writeBuffer(a, 0, ones);
  device.queue.writeBuffer(b, 0, ones);
  const u = buf(16, UNIFORM | COPY_DST);
  device.queue.writeBuffer(u, 0, new Uint32Array([n, 0, 0, 0]));
  const mm = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: matmulWgsl }), entryPoint: 'main' } });
  const mmBind = device.createBindGroup({
    layout: mm.getBindGroupLayout(0),
    entries: [a, b, c, u].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const matmulOnce = () =>
    timePass(gpu, (p) => {
      p.setPipeline(mm);
      p.setBindGroup(0, mmBind);
      p.dispatchWorkgroups(n / 32, n / 32); // 8×8 invocations × 4×4 outputs = 32×32 per workgroup
    });
  await matmulOnce(); // warm-up
  const mmTimes: { ms: number; timer: string }[] = [];
  for (let i = 0; i < reps; i++) mmTimes.push(await matmulOnce());
  const best = mmTimes.reduce((x, y) => (y.ms < x.ms ? y : x));

  const bytes = copyMb * 1024 * 1024;
  const src = buf(bytes, STORAGE);
  const dst = buf(bytes, STORAGE);
  const cp = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: copyWgsl }), entryPoint: 'main' } });
  const cpBind = device.createBindGroup({ layout: cp.getBindGroupLayout(0), entries: [src, dst].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const groups = bytes / 16 / 256;
  const x = Math.min(groups, 65535);
  const copyOnce = () =>
    timePass(gpu, (p) => {
      p.setPipeline(cp);
      p.setBindGroup(0, cpBind);
      p.dispatchWorkgroups(x, Math.ceil(groups / x));
    });
  await copyOnce();
  const cpTimes: { ms: number; timer: string }[] = [];
  for (let i = 0; i < reps; i++) cpTimes.push(await copyOnce());
  const bestCp = cpTimes.reduce((x1, y) => (y.ms < x1.ms ? y : x1));
  for (const bb of [a, b, c, u, src, dst]) bb.destroy();
  return {
    // Best of the repeats: a probe measures what is attainable, so the least-disturbed run counts.
    matmul: { n, ms: best.ms, gflops: (2 * n * n * n) / (best.ms * 1e6), timer: best.timer },
    copy: { mb: copyMb, ms: bestCp.ms, gbps: (2 * bytes) / (bestCp.ms * 1e6), timer: bestCp.timer },
  };
}
