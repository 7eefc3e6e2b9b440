import { describe, expect, it } from 'vitest';
import { planLayout } from '../../../src/scheduler/layout.ts';
import { GPUMemoryError, ShapeError } from '../../../src/errors.ts';
import { LINEAR, type Graph, type GraphNode } from '../../../src/graph/ir.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kerasModelFromArchitecture } from '../../../src/formats/from-architecture.ts';
import { buildGraph } from '../../../src/compile/from-keras.ts';
import { optimizeGraph } from '../../../src/compile/passes/index.ts';
import { repoRoot } from '../../util/fixtures.ts';

const LIMITS = { maxStorageBufferBindingSize: 128 << 20, maxBufferSize: 256 << 20 };

function denseNode(name: string, input: string, k: number, units: number): GraphNode {
  return {
    name,
    kerasClass: 'Dense',
    op: 'dense',
    inputs: [input],
    output: `${name}:out`,
    attrs: { units, activation: LINEAR },
    weights: [{ name: 'kernel', shape: [k, units], data: new Float32Array(k * units) }],
  };
}

/** A chain of Dense layers: widths[0] is the input width. */
function chain(widths: number[]): Graph {
  const nodes: GraphNode[] = [];
  let prev = 'x';
  for (let i = 1; i < widths.length; i++) {
    nodes.push(denseNode(`d${i}`, prev, widths[i - 1], widths[i]));
    prev = nodes[nodes.length - 1].output;
  }
  return { inputs: [{ name: 'x', shape: [null, widths[0]] }], outputs: [prev], nodes, meta: { name: 'chain', kerasVersion: '3', format: 'test' } };
}

describe('planLayout: buffer reuse by liveness', () => {
  it('a chain needs only two activation slots, ping-ponged', () => {
    const layout = planLayout(chain([64, 64, 64, 64, 64, 64]), [[1, 64]], LIMITS);
    expect(layout.slotBytes.length).toBe(2);
    expect(layout.peakBytes).toBe(2 * 64 * 4);
    // Consecutive tensors never share a slot (a kernel must not read and write one buffer).
    const seq = ['x', 'd1:out', 'd2:out', 'd3:out', 'd4:out', 'd5:out'].map((t) => layout.slotOf.get(t));
    for (let i = 1; i < seq.length; i++) expect(seq[i]).not.toBe(seq[i - 1]);
  });

  it('peak is the two largest simultaneously live tensors for a widening-narrowing chain', () => {
    const layout = planLayout(chain([8, 1000, 10, 2000, 4]), [[1, 8]], LIMITS);
    // The most alive at one step is at d4: its 2000-float input, its split-K partials (496 B) and its
    // output, 8512 B. The plan holds 8000 + 720 + 40 B (measured 2026-12-02): the partials of d2
    // (720 B) and d4 share a slot sized for the larger, 1.029× the bound. The planner is deterministic,
    // so the bound is that ratio, not a tolerance. (It was 1.1 × (1000 + 2000) floats, 1.55× this bound.)
    expect(layout.peakBytes).toBeGreaterThanOrEqual(layout.liveBoundBytes);
    expect(layout.peakBytes).toBeLessThanOrEqual(1.03 * layout.liveBoundBytes);
  });

  it('keeps a tensor alive until its last reader (residual branch)', () => {
    const g = chain([16, 16, 16, 16]);
    // Add a node that reads the input again at the end: x must not be overwritten meanwhile.
    g.nodes.push({ ...denseNode('late', 'x', 16, 16) });
    g.outputs = ['late:out'];
    const layout = planLayout(g, [[1, 16]], LIMITS);
    const xSlot = layout.slotOf.get('x');
    for (const t of ['d1:out', 'd2:out', 'd3:out']) expect(layout.slotOf.get(t)).not.toBe(xSlot);
  });

  it('batch sizes above one scale the buffers', () => {
    const one = planLayout(chain([32, 32, 32]), [[1, 32]], LIMITS);
    const eight = planLayout(chain([32, 32, 32]), [[8, 32]], LIMITS);
    expect(eight.peakBytes).toBe(8 * one.peakBytes);
  });
});

describe('planLayout: errors', () => {
  it('rejects a wrong feature count naming the layer', () => {
    expect(() => planLayout(chain([16, 4]), [[1, 15]], LIMITS)).toThrow(ShapeError);
    expect(() => planLayout(chain([16, 4]), [[1, 15]], LIMITS)).toThrow(/16/);
  });
  it('rejects the wrong rank', () => {
    expect(() => planLayout(chain([16, 4]), [[1, 4, 16]], LIMITS)).toThrow(/rank/);
  });
  it('reports a buffer larger than the device allows, naming the layer', () => {
    const err = (() => {
      try {
        planLayout(chain([16, 1 << 20]), [[64, 16]], { maxStorageBufferBindingSize: 1 << 24, maxBufferSize: 1 << 28 });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GPUMemoryError);
    expect(err!.message).toMatch(/Layer "d1"/);
  });
});

describe('planLayout: activation memory against the live bound (real architectures)', () => {
  /** The zoo architecture with zero weights of the committed shapes: the layout needs only shapes. */
  function zooGraph(name: string): Graph {
    const dir = join(repoRoot, 'test/fixtures/zoo', name);
    const arch = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const listed = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8'));
    const entries: { layer: string; name: string; shape: number[]; skip?: boolean }[] = Array.isArray(listed) ? listed : listed.weights;
    const keras = kerasModelFromArchitecture(arch, (l) => {
      const mine = entries.filter((e) => e.layer === l.name && !e.skip);
      return mine.length ? mine.map((e) => ({ name: e.name, shape: e.shape, data: new Float32Array(e.shape.reduce((a, b) => a * b, 1)) })) : undefined;
    });
    return optimizeGraph(buildGraph(keras));
  }

  const BIG = { maxStorageBufferBindingSize: 2 ** 31, maxBufferSize: 2 ** 31 };

  // The planner is deterministic CPU code: each bound below is the ratio measured on 2026-12-02
  // (peakBytes / liveBoundBytes) rounded up by about 1 %, the room for a scratch buffer changing size,
  // so a real regression of the allocator fails. (They were 1.1× and 1.3×.)
  // A chain (every tensor read by the next node only): the slots reach what must be alive at once,
  // the two largest adjacent tensors (measured 1.000×, as the README says).
  it('vgg16 1×64×64×3: planned = the most bytes alive at one step', () => {
    const layout = planLayout(zooGraph('vgg16'), [[1, 64, 64, 3]], BIG);
    expect(layout.liveBoundBytes).toBeGreaterThan(0);
    expect(layout.peakBytes).toBeLessThanOrEqual(1.01 * layout.liveBoundBytes);
  });

  // Inverted-residual nets keep a block's input alive across three convs. With one tensor per
  // buffer the slots cannot go below (largest expand) + (largest later expand) + (held input):
  // MobileNetV2 224² needs 4.59 + 1.72 + 0.29 MiB against a bound of 4.59 + 1.15 MiB (1.17× with
  // its last slot); EfficientNetB0 1.26×, ResNet50 1.15× (measured 2026-11-26; again 2026-12-02:
  // 1.167×, 1.260×, 1.149×).
  // Packing tensors at offsets of shared buffers would reach the bound, but WebGPU forbids binding
  // one buffer read-only and writable in the same dispatch, and our kernels read their inputs
  // through read-only bindings.
  for (const [name, shape, bound] of [
    ['mobilenet_v2', [1, 224, 224, 3], 1.18],
    ['efficientnet_b0', [1, 96, 96, 3], 1.27],
    ['resnet50', [1, 96, 96, 3], 1.16],
  ] as const) {
    it(`${name} ${shape.join('×')}: planned ≤ ${bound} × the most bytes alive at one step`, () => {
      const layout = planLayout(zooGraph(name), [[...shape]], BIG);
      expect(layout.peakBytes).toBeLessThanOrEqual(bound * layout.liveBoundBytes);
    });
  }

  it('U-Net 256²: within 23 % of the live bound (skip tensors pin a slot each)', () => {
    const layout = planLayout(zooGraph('unet'), [[1, 256, 256, 1]], BIG);
    // One buffer per slot cannot go below 9 MiB here (four tensors of 2 + 1 + 1 + 2 MiB alive at
    // cat1, three of 4 + 2 + 2 MiB at cat0) while the live bound is 8 MiB; Winograd scratch adds a
    // little on top: measured 1.219× (2026-12-02).
    expect(layout.peakBytes).toBeLessThanOrEqual(1.23 * layout.liveBoundBytes);
    expect(layout.peakBytes).toBeGreaterThanOrEqual(layout.liveBoundBytes);
  });
});
