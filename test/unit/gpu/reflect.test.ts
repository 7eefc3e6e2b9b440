import { describe, expect, it } from 'vitest';
import { packParams, reflectShader } from '../../../src/gpu/reflect.ts';

const WGSL = `
struct Params { a: u32, b: f32, v: vec4<u32>, c: i32, arr: array<vec4<u32>, 2> }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
override WG: u32 = 64u;
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) g: vec3u) { dst[g.x] = src[g.x] + f32(params.a); }
`;

describe('shader reflection and params packing', () => {
  const layout = reflectShader(WGSL);
  it('finds bindings by name and overrides', () => {
    expect(layout.bindings.get('src')).toMatchObject({ group: 0, binding: 1, kind: 'storage', readOnly: true });
    expect(layout.bindings.get('dst')).toMatchObject({ binding: 2, readOnly: false });
    expect(layout.overrides.has('WG')).toBe(true);
  });
  it('packs members at the offsets WGSL alignment rules give', () => {
    const bytes = packParams(layout, { a: 7, b: 1.5, v: [1, 2, 3, 4], c: -3, arr: [5, 6, 7, 8, 9, 10, 11, 12] }, 't');
    const u = new Uint32Array(bytes);
    const f = new Float32Array(bytes);
    const i = new Int32Array(bytes);
    expect(u[0]).toBe(7);
    expect(f[1]).toBe(1.5);
    // vec4<u32> aligns to 16 bytes: starts at word 4.
    expect([...u.slice(4, 8)]).toEqual([1, 2, 3, 4]);
    expect(i[8]).toBe(-3);
    // the array aligns to 16 again: word 12.
    expect([...u.slice(12, 20)]).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(bytes.byteLength % 16).toBe(0);
  });
  it('rejects missing, unknown and wrongly sized members', () => {
    expect(() => packParams(layout, { a: 1, b: 1, v: [1, 2, 3, 4], c: 0 }, 't')).toThrow(/arr/);
    expect(() => packParams(layout, { a: 1, b: 1, v: [1, 2, 3, 4], c: 0, arr: [0, 0, 0, 0, 0, 0, 0, 0], zz: 1 }, 't')).toThrow(/zz/);
    expect(() => packParams(layout, { a: 1, b: 1, v: [1, 2, 3], c: 0, arr: [0, 0, 0, 0, 0, 0, 0, 0] }, 't')).toThrow(/4 values/);
    expect(() => packParams(layout, { a: -1, b: 1, v: [1, 2, 3, 4], c: 0, arr: [0, 0, 0, 0, 0, 0, 0, 0] }, 't')).toThrow(/non-negative/);
  });
});
