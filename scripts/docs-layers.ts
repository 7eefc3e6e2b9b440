/** Rewrites the supported-layer table in README.md from the op registry. Run: npm run docs:layers */
import { readFileSync, writeFileSync } from 'node:fs';
import { withLayerTable } from '../src/ops/layer-table.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withLayerTable(readFileSync(path, 'utf8')));
console.log('README.md: supported-layer table regenerated');
