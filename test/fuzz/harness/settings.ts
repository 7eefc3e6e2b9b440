/**
 * Fuzz budgets. `npm test` runs every fuzzer with a FIXED seed and a small budget, so a red run
 * is reproducible and the fuzz part stays near a minute on a 2-core machine. `npm run fuzz`
 * (FUZZ_LONG=1) runs a randomized campaign: a fresh seed per test file (printed in its report:
 * vitest runs each file in its own process), more cases, and a time box per property.
 * FUZZ_SEED replays a seed (`FUZZ_LONG=1 FUZZ_SEED=<seed> npx vitest run test/fuzz/h5.test.ts`),
 * FUZZ_RUNS caps the cases per property, FUZZ_SECONDS sets the time box (default 40).
 */
import { availableParallelism, loadavg } from 'node:os';

export const LONG = process.env.FUZZ_LONG === '1';

/** The fixed seed of `npm test`; any value works, this one just never changes. */
const FIXED_SEED = 0x5eed_f022;

export const SEED: number = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED) >>> 0
  : LONG
    ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) >>> 0
    : FIXED_SEED;

/** Seconds each property may run in a long campaign (the fixed run is bounded by its counts). */
export const SECONDS_PER_PROPERTY = Number(process.env.FUZZ_SECONDS ?? 40);

/** Cases for one property: `fixed` in npm test; in a long run FUZZ_RUNS or 100× that, time-boxed. */
export function runsFor(fixed: number): number {
  if (!LONG) return fixed;
  return process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : fixed * 100;
}

/** Vitest timeout for one property: generous, since a hang is caught per case (see sandbox.ts). */
export function testTimeoutMs(): number {
  return LONG ? SECONDS_PER_PROPERTY * 1000 + 180_000 : 240_000;
}

/**
 * Hang and explosion detectors, not performance assertions: a case normally takes milliseconds,
 * so only a real hang reaches the time limit, and only a real explosion grows the process by a
 * gigabyte. The limit stretches with the machine's load (2-core machines here run several test
 * suites at once: a 2-second case took 9 at a load of 15), so a busy machine does not turn a
 * slow case into a "hang"; a real hang still ends, later.
 */
export const CASE_TIMEOUT_MS = 10_000;
export const MEMORY_GROWTH_BYTES = 1 << 30;

export function caseTimeoutMs(): number {
  const busy = loadavg()[0] / Math.max(1, availableParallelism());
  return Math.round(CASE_TIMEOUT_MS * Math.min(10, Math.max(1, busy)));
}
