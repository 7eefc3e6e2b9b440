/**
 * One reader's fuzz campaign: runs properties through the sandbox, counts outcomes by class, keeps
 * the first example of each distinct bad ending (shrunk by dropping edits that do not matter), and
 * prints the table `npm run fuzz` reports. A property never stops at the first bad case: the
 * counts are the point of a long run, and the test asserts afterwards that no bad case was seen.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { Sandbox, type TimedResult } from './sandbox.ts';
import { LONG, SECONDS_PER_PROPERTY, SEED } from './settings.ts';
import type { CaseRequest } from './spec.ts';

/** Every case spec carries its edits, which is what shrinking drops. */
export interface CaseSpec {
  seed: string;
  edits: unknown[];
}

export interface BadExample {
  property: string;
  signature: string;
  count: number;
  spec: CaseSpec;
  result: TimedResult;
}

interface PropertyOptions<T extends CaseSpec> {
  runs: number;
  /**
   * For edits that keep the file valid and its meaning unchanged: the fingerprint of the unedited
   * seed. Then only a valid result with that fingerprint is good; an error is a bad ending too.
   */
  same?: (spec: T) => Promise<string>;
}

const hashString = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

export class Campaign {
  readonly sandbox = new Sandbox();
  readonly counts = new Map<string, number>();
  readonly bad = new Map<string, BadExample>();
  tried = 0;
  private slowest = 0;
  private slowestSpec?: CaseSpec;
  private totalMs = 0;
  /** Cases over a second: not failures (the machine may be busy), but worth a look in a long run. */
  private slow = 0;

  constructor(readonly reader: string) {}

  /** The seed of one property: the run's seed mixed with its name, so properties differ. */
  seedOf(property: string): number {
    return (SEED + hashString(property)) >>> 0;
  }

  /** Runs `runs` cases (a long run: until its time box) of `arb`, recording every ending. */
  async property<T extends CaseSpec>(name: string, arb: fc.Arbitrary<T>, toRequest: (t: T) => CaseRequest, options: PropertyOptions<T>): Promise<void> {
    const seed = this.seedOf(name);
    // A long run's time box, checked before each case. Not fast-check's interruptAfterTimeLimit:
    // that abandons the case in flight, whose answer would then be counted for the next one.
    const deadline = LONG ? Date.now() + SECONDS_PER_PROPERTY * 1000 : Infinity;
    await fc.assert(
      fc.asyncProperty(arb, async (spec) => {
        if (Date.now() > deadline) return;
        const result = await this.sandbox.run(toRequest(spec));
        const expected = options.same ? await options.same(spec) : undefined;
        const cls = classify(result, expected);
        await this.record(name, spec, result, cls, toRequest, expected);
      }),
      { seed, numRuns: options.runs },
    );
  }

  private async record<T extends CaseSpec>(property: string, spec: T, result: TimedResult, cls: string, toRequest: (t: T) => CaseRequest, expected?: string) {
    this.tried++;
    this.counts.set(cls, (this.counts.get(cls) ?? 0) + 1);
    if (result.ms !== undefined) {
      this.totalMs += result.ms;
      if (result.ms > this.slowest) {
        this.slowest = result.ms;
        this.slowestSpec = spec;
      }
      if (result.ms > 1000) this.slow++;
    }
    if (isGood(cls)) return;
    const signature = `${property} | ${signatureOf(result, cls)}`;
    const known = this.bad.get(signature);
    if (known) {
      known.count++;
      return;
    }
    const example: BadExample = { property, signature, count: 1, spec, result };
    this.bad.set(signature, example);
    // Shrink: drop each edit in turn while the same bad ending remains. Not for hangs, explosions
    // and slow cases: each retry would cost the whole time limit again.
    if (result.outcome === 'hang' || result.outcome === 'memory' || (result.ms ?? 0) > 2000) return;
    let current = spec;
    for (let i = current.edits.length - 1; i >= 0 && current.edits.length > 1; i--) {
      const smaller = { ...current, edits: current.edits.filter((_, k) => k !== i) };
      const r = await this.sandbox.run(toRequest(smaller));
      if (`${property} | ${signatureOf(r, classify(r, expected))}` === signature) current = smaller;
    }
    example.spec = current;
  }

  /** Fails the test when any bad ending was seen, listing each kind once with a reproducer. */
  expectNoBadEndings(property?: string): void {
    const bad = [...this.bad.values()].filter((b) => property === undefined || b.property === property);
    const text = bad.map(
      (b) =>
        `\n- ${b.signature} (${b.count}×, seed ${this.seedOf(b.property)})\n  reproducer: ${JSON.stringify(b.spec)}` +
        ('stack' in b.result && b.result.stack ? `\n  ${b.result.stack.split('\n').slice(0, 3).join('\n  ')}` : ''),
    );
    expect(bad.length, `bad endings in ${this.reader}:${text.join('')}`).toBe(0);
  }

  /** The table for notes: inputs tried, endings by class. */
  report(): string {
    const rows = [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `    ${k.padEnd(34)} ${String(n).padStart(7)}`);
    const mean = this.tried ? this.totalMs / this.tried : 0;
    return (
      `fuzz ${this.reader}: ${this.tried} inputs (seed ${SEED}${LONG ? ', long run' : ''}; mean ${mean.toFixed(1)} ms, slowest ${Math.round(this.slowest)} ms, ${this.slow} over 1 s)\n` +
      rows.join('\n') +
      (process.env.FUZZ_SLOWEST && this.slowestSpec ? `\n    slowest case: ${JSON.stringify(this.slowestSpec).slice(0, 600)}` : '') +
      (this.bad.size ? `\n    distinct bad endings: ${this.bad.size}\n` + [...this.bad.values()].map((b) => `      ${b.count}× ${b.signature}`).join('\n') : '')
    );
  }
}

/** The outcome class of one case, as counted in reports. */
export function classify(r: TimedResult, expectedFingerprint?: string): string {
  if (expectedFingerprint !== undefined) {
    if (r.outcome === 'valid') return r.fingerprint === expectedFingerprint ? 'valid (same as seed)' : 'bad: valid but different';
    if (r.outcome === 'typed') return `bad: rejected a valid file (${r.code})`;
  }
  switch (r.outcome) {
    case 'typed':
      return `typed ${r.code}`;
    case 'valid':
      if (r.notes.includes('non-finite weights')) return 'valid (non-finite weights)';
      return r.notes.includes('non-finite output') ? 'valid (non-finite output)' : 'valid';
    case 'bad':
      return `bad: ${r.name}`;
    default:
      return r.outcome === 'bad-result' ? 'bad: malformed result' : r.outcome;
  }
}

const isGood = (cls: string) => cls.startsWith('typed ') || cls.startsWith('valid');

/** Groups bad endings: the class, the message with numbers and quoted names blurred, the top frame. */
function signatureOf(r: TimedResult, cls: string): string {
  const message = 'message' in r ? r.message : '';
  const blurred = message
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/gi, 'N')
    .slice(0, 100);
  const frame = 'stack' in r && r.stack ? (/\(?([^()\s]+?):\d+:\d+\)?/.exec(r.stack.split('\n')[0])?.[1] ?? '').replace(/^.*\/(node_modules|src)\//, '$1/') : '';
  return `${cls}: ${blurred}${frame ? ` @ ${frame}` : ''}`;
}
