/**
 * WebGPU's usage and map-mode bits, in one place. The values are the spec's; they are spelled out
 * rather than read from `GPUBufferUsage` / `GPUTextureUsage` / `GPUMapMode` because those globals
 * are absent under some Node setups (Dawn bindings without the constants objects).
 */

/** GPUBufferUsage. */
export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

/** GPUTextureUsage. */
export const TEXTURE_USAGE = {
  COPY_SRC: 0x01,
  COPY_DST: 0x02,
  TEXTURE_BINDING: 0x04,
  STORAGE_BINDING: 0x08,
  RENDER_ATTACHMENT: 0x10,
} as const;

/** GPUMapMode. */
export const MAP_MODE = {
  READ: 0x0001,
  WRITE: 0x0002,
} as const;
