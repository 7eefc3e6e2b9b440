/**
 * Accounting of the GPU objects the engine makes: every buffer, texture and query set is created
 * through `createBuffer` / `createTexture` / `createQuerySet` here and freed through `destroyGpuObject`,
 * so `gpuMemoryStats()` can say how many are alive, per device and in all. Tests use it to prove
 * that runs allocate nothing and that dispose frees everything (a leak shows as a count that grows);
 * profiles use it to show what a model holds.
 *
 * It is always on because it is free where it matters: objects are made while plans are built,
 * never by `run()`, so the cost is one WeakMap entry per object at load time. Objects the engine did
 * not make (a caller's buffers) are not counted, and destroying one twice counts once, as WebGPU's
 * own `destroy()` is idempotent.
 */

/** Live and lifetime counts of the engine's GPU objects. */
export interface GpuMemoryStats {
  /** Buffers created and not yet destroyed. */
  liveBuffers: number;
  /** Their summed `size` in bytes. */
  liveBufferBytes: number;
  liveTextures: number;
  liveQuerySets: number;
  /** Buffers ever created / destroyed (live = created − destroyed). */
  createdBuffers: number;
  destroyedBuffers: number;
}

type Kind = 'buffer' | 'texture' | 'querySet';

interface Entry {
  kind: Kind;
  bytes: number;
  counts: GpuMemoryStats;
}

const zero = (): GpuMemoryStats => ({
  liveBuffers: 0,
  liveBufferBytes: 0,
  liveTextures: 0,
  liveQuerySets: 0,
  createdBuffers: 0,
  destroyedBuffers: 0,
});

const total = zero();
const perDevice = new WeakMap<GPUDevice, GpuMemoryStats>();
/** The objects made here and not yet destroyed. Weak: an object dropped without destroy() still counts as live. */
const live = new WeakMap<object, Entry>();

function countsOf(device: GPUDevice): GpuMemoryStats {
  let c = perDevice.get(device);
  if (!c) perDevice.set(device, (c = zero()));
  return c;
}

function add(entry: Entry, sign: 1 | -1): void {
  for (const c of [total, entry.counts]) {
    if (entry.kind === 'buffer') {
      c.liveBuffers += sign;
      c.liveBufferBytes += sign * entry.bytes;
      if (sign > 0) c.createdBuffers++;
      else c.destroyedBuffers++;
    } else if (entry.kind === 'texture') c.liveTextures += sign;
    else c.liveQuerySets += sign;
  }
}

function track<T extends object>(device: GPUDevice, object: T, kind: Kind, bytes: number): T {
  const entry: Entry = { kind, bytes, counts: countsOf(device) };
  live.set(object, entry);
  add(entry, 1);
  return object;
}

/** `device.createBuffer(descriptor)`, counted. */
export function createBuffer(device: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
  return track(device, device.createBuffer(descriptor), 'buffer', descriptor.size);
}

/** `device.createTexture(descriptor)`, counted. */
export function createTexture(device: GPUDevice, descriptor: GPUTextureDescriptor): GPUTexture {
  return track(device, device.createTexture(descriptor), 'texture', 0);
}

/** `device.createQuerySet(descriptor)`, counted. */
export function createQuerySet(device: GPUDevice, descriptor: GPUQuerySetDescriptor): GPUQuerySet {
  return track(device, device.createQuerySet(descriptor), 'querySet', 0);
}

/** Destroys a buffer, texture or query set, and stops counting it if it was made here. */
export function destroyGpuObject(object: GPUBuffer | GPUTexture | GPUQuerySet): void {
  const entry = live.get(object);
  if (entry) {
    live.delete(object);
    add(entry, -1);
  }
  object.destroy();
}

/**
 * How many GPU buffers (and their bytes), textures and query sets the engine holds: on `device`, or
 * on every device when none is given. A snapshot (a copy), so two calls can be compared.
 */
export function gpuMemoryStats(device?: GPUDevice): GpuMemoryStats {
  return { ...(device ? (perDevice.get(device) ?? zero()) : total) };
}
