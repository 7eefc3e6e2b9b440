/**
 * The stages of src/ import only downward (DESIGN.md: "stages import only downward"). Each folder
 * of src/ is a stage, and so is each file at src/'s top level; this test reads every import of
 * src/**\/*.ts (static, re-export and dynamic), builds the graph between stages and fails on
 *   - an import that goes up the order below (a stage using one listed after it), and
 *   - any cycle between stages (which an upward import always closes, but the cycle names it).
 * An import cycle lets a bug in shared code hide: when the GPU kernels and their CPU oracle run
 * the same geometry, they agree on the wrong answer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

/**
 * Bottom to top. A stage may import any stage before it in this list, never one after it.
 * Leaves first (errors, limits, tensors, shaders' loader), then the pipeline as DESIGN.md draws it:
 * graph IR ← model readers ← op modules ← compile (import, shapes, passes: they ask ops through
 * hooks) ← scheduler ← explain (Grad-CAM: head analysis and backward, used by the models) ← runtime ← wasm (the WebAssembly backend) ← segment (the whole-volume pipeline: conform, tiled inference, write-back; it takes any VolumeModel, so it needs no model class) ← the public API ← the front ends, and the CPU reference on top:
 * it is the oracle the tests judge the product with, so nothing in the product may import it.
 */
const ORDER: readonly string[] = [
  'types',
  'errors.ts',
  'limits.ts',
  'tensor.ts',
  'non-finite.ts',
  'geometry',
  'gpu',
  'graph',
  'formats',
  'ops',
  'compile',
  'onnx',
  'scheduler',
  'explain',
  'runtime',
  'wasm',
  'segment',
  'model.ts',
  'api.ts',
  'index.ts',
  'node.ts',
  'element',
  'cli',
  'reference',
];

/**
 * Upward imports not yet removed, each with the reason it is still there. The test fails when one
 * disappears too (delete its line) so this list only shrinks.
 */
const KNOWN_UPWARD: readonly string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The stage of a file: its folder under src/, or its own name at src/'s top level. */
const stageOf = (file: string): string => relative(SRC, file).split('/')[0];

/** Relative module specifiers a file imports (import … from, export … from, import('…')). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(m[1]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/g)) found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

interface Edge {
  from: string;
  to: string;
  /** One file-level import that makes the edge, for the message. */
  example: string;
}

function stageEdges(): Edge[] {
  const edges = new Map<string, Edge>();
  for (const file of sourceFiles(SRC)) {
    for (const spec of importsOf(file)) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + '/')) continue; // shaders' raw text, package.json, ...
      const from = stageOf(file);
      const to = stageOf(target);
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) edges.set(key, { from, to, example: `${relative(SRC, file)} imports ${spec}` });
    }
  }
  return [...edges.values()];
}

/** Strongly connected components with more than one stage (Tarjan). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of new Set(edges.flatMap((e) => [e.from, e.to]))) if (!index.has(v)) visit(v);
  return out;
}

describe('src/ stages import only downward', () => {
  const edges = stageEdges();

  it('every stage of src/ has a place in the order', () => {
    const stages = new Set(sourceFiles(SRC).map(stageOf));
    expect([...stages].filter((s) => !ORDER.includes(s)).sort()).toEqual([]);
  });

  it('no stage imports one above it (except the listed, shrinking debt)', () => {
    const upward = edges
      .filter((e) => ORDER.indexOf(e.to) > ORDER.indexOf(e.from))
      .map((e) => `${e.from} -> ${e.to}  (${e.example})`)
      .sort();
    expect(upward.map((u) => u.slice(0, u.indexOf('  (')))).toEqual([...KNOWN_UPWARD].sort());
  });

  it('no import cycle between stages', () => {
    const known = new Set(KNOWN_UPWARD);
    const found = cycles(edges.filter((e) => !known.has(`${e.from} -> ${e.to}`)));
    expect(found).toEqual([]);
  });

  it('the check finds a cycle when there is one (the test can fail)', () => {
    const planted: Edge[] = [
      { from: 'ops', to: 'reference', example: '' },
      { from: 'reference', to: 'ops', example: '' },
      { from: 'graph', to: 'errors.ts', example: '' },
    ];
    expect(cycles(planted)).toEqual([['ops', 'reference']]);
  });
});
