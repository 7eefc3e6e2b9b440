/**
 * Regenerates docs/correctness.md and the README's Correctness table from docs/correctness.json,
 * and the README's performance summary from docs/bench.md. Run: npm run docs:correctness
 * (npm run correctness first reruns the model tests to refresh the JSON; the long runs write it too).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { correctnessMarkdown, withCorrectnessTable } from './correctness/render.ts';
import { withPerformanceSummary } from './correctness/performance.ts';
import type { CorrectnessFile } from './correctness/schema.ts';

const at = (path: string) => new URL(`../${path}`, import.meta.url);
const data = JSON.parse(readFileSync(at('docs/correctness.json'), 'utf8')) as CorrectnessFile;
writeFileSync(at('docs/correctness.md'), correctnessMarkdown(data));
const readme = readFileSync(at('README.md'), 'utf8');
writeFileSync(at('README.md'), withPerformanceSummary(withCorrectnessTable(readme, data), readFileSync(at('docs/bench.md'), 'utf8')));
console.log(`docs/correctness.md, README.md: ${Object.keys(data.records).length} correctness records and the bench summary regenerated`);
