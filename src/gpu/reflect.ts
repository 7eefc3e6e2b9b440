/**
 * Shader reflection: the WGSL is the single source of truth for layouts. Bindings are looked up by
 * variable name and the uniform `params` struct is packed from the offsets wgsl_reflect computes,
 * so no alignment rule or binding index is ever written twice.
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

export interface BindingInfo {
  group: number;
  binding: number;
  kind: 'uniform' | 'storage';
  readOnly: boolean;
}

export interface ParamMember {
  name: string;
  offset: number;
  /** Scalar type of each component. */
  scalar: 'u32' | 'i32' | 'f32';
  /** Number of scalar components (1 for scalars, 4 for vec4, 4*N for array<vec4, N>). */
  components: number;
  /** Byte distance between consecutive components' groups for arrays (stride), else 4. */
  componentOffsets: number[];
}

export interface ShaderLayout {
  bindings: Map<string, BindingInfo>;
  /** The uniform struct bound as `params`, if the shader has one. */
  params?: { size: number; members: ParamMember[] };
  overrides: Set<string>;
}

const cache = new Map<string, ShaderLayout>();

export function reflectShader(code: string): ShaderLayout {
  const hit = cache.get(code);
  if (hit) return hit;
  const reflect = new WgslReflect(code);
  const bindings = new Map<string, BindingInfo>();
  for (const u of reflect.uniforms) {
    bindings.set(u.name, { group: u.group, binding: u.binding, kind: 'uniform', readOnly: true });
  }
  for (const s of reflect.storage) {
    bindings.set(s.name, { group: s.group, binding: s.binding, kind: 'storage', readOnly: s.access !== 'read_write' });
  }
  const layout: ShaderLayout = { bindings, overrides: new Set(reflect.overrides.map((o) => o.name)) };
  const paramsVar = reflect.uniforms.find((u) => u.name === 'params');
  if (paramsVar) {
    const members = (paramsVar.members ?? []).map(describeMember);
    layout.params = { size: roundUp(paramsVar.size, 16), members };
  }
  cache.set(code, layout);
  return layout;
}

function describeMember(m: { name: string; offset: number; type: { name: string; getTypeName(): string }; isArray: boolean; count: number; stride: number; format: { name: string; getTypeName(): string } | null }): ParamMember {
  const typeName = m.type.getTypeName();
  if (m.isArray) {
    const elem = parseVectorType(m.format!.getTypeName(), m.name);
    const offsets: number[] = [];
    for (let i = 0; i < m.count; i++) {
      for (let c = 0; c < elem.n; c++) offsets.push(m.offset + i * m.stride + c * 4);
    }
    return { name: m.name, offset: m.offset, scalar: elem.scalar, components: offsets.length, componentOffsets: offsets };
  }
  const t = parseVectorType(typeName, m.name);
  const offsets = Array.from({ length: t.n }, (_, c) => m.offset + c * 4);
  return { name: m.name, offset: m.offset, scalar: t.scalar, components: t.n, componentOffsets: offsets };
}

function parseVectorType(typeName: string, member: string): { scalar: 'u32' | 'i32' | 'f32'; n: number } {
  const scalarOf = (s: string): 'u32' | 'i32' | 'f32' => {
    if (s === 'u32' || s === 'i32' || s === 'f32') return s;
    throw new Error(`params.${member}: unsupported uniform type "${typeName}"`);
  };
  const vec = /^vec([234])<(\w+)>$/.exec(typeName) ?? /^vec([234])([uif])$/.exec(typeName);
  if (vec) {
    const s = vec[2].length === 1 ? ({ u: 'u32', i: 'i32', f: 'f32' } as const)[vec[2] as 'u' | 'i' | 'f'] : vec[2];
    return { scalar: scalarOf(s), n: Number(vec[1]) };
  }
  return { scalar: scalarOf(typeName), n: 1 };
}

function roundUp(n: number, k: number): number {
  return Math.ceil(n / k) * k;
}

/**
 * Packs values into the params struct's bytes. Every member must be given, and vectors/arrays with
 * exactly as many components as the WGSL declares: a missing or misspelt member is an error, not a 0.
 */
export function packParams(
  layout: ShaderLayout,
  values: Record<string, number | readonly number[]>,
  label: string,
): ArrayBuffer {
  if (!layout.params) throw new Error(`${label}: shader has no uniform "params" but params were given`);
  const bytes = new ArrayBuffer(layout.params.size);
  const view = new DataView(bytes);
  const known = new Set(layout.params.members.map((m) => m.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name)) throw new Error(`${label}: params has no member "${name}"`);
  }
  for (const m of layout.params.members) {
    const v = values[m.name];
    if (v === undefined) throw new Error(`${label}: params.${m.name} was not set`);
    const arr = typeof v === 'number' ? [v] : v;
    if (arr.length !== m.components) {
      throw new Error(`${label}: params.${m.name} needs ${m.components} values, got ${arr.length}`);
    }
    m.componentOffsets.forEach((off, i) => {
      const x = arr[i];
      if (m.scalar === 'f32') view.setFloat32(off, x, true);
      else if (m.scalar === 'i32') view.setInt32(off, x, true);
      else {
        if (x < 0 || !Number.isInteger(x)) throw new Error(`${label}: params.${m.name} must be a non-negative integer, got ${x}`);
        view.setUint32(off, x, true);
      }
    });
  }
  return bytes;
}
