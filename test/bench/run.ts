// `npm run bench`: runs every test/bench/*.bench.ts suite and prints ours vs the anchor tool,
// measured in the same run on this machine, as ratios. Not a test: nothing here fails CI.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchSuite } from './harness';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function line(r: BenchResult): string {
  const ratio = r.ours / r.anchor;
  const met = r.goal === undefined ? '' : (r.better === 'lower' ? ratio <= r.goal : ratio >= r.goal) ? '  goal met' : '  goal MISSED';
  const goal = r.goal === undefined ? '' : ` (goal ${r.better === 'lower' ? '≤' : '≥'} ${r.goal}×)`;
  return `  ${r.name}: ours ${fmt(r.ours)} ${r.unit} vs ${r.anchorLabel} ${fmt(r.anchor)} ${r.unit} → ratio ${ratio.toFixed(2)}×${goal}${met}${r.note ? `  [${r.note}]` : ''}`;
}

console.log(`OSG Onboard benchmarks on ${process.platform}/${process.arch}, node ${process.version}, ${new Date().toISOString()}`);
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { suite: BenchSuite };
  console.log(`\n${mod.suite.name}`);
  try {
    for (const r of await mod.suite.run()) console.log(line(r));
  } catch (e) {
    console.log(`  could not run: ${(e as Error).message}`);
  }
}
