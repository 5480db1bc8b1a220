import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * One measured comparison: ours against the anchor tool, both measured in the same run on
 * this machine. `ratio` is ours/anchor for times (lower is better) or ours/anchor for rates
 * (higher is better), as `better` says.
 */
export interface BenchResult {
  readonly name: string;
  readonly ours: number;
  readonly anchor: number;
  readonly unit: string;
  readonly anchorLabel: string;
  readonly better: 'lower' | 'higher';
  /** The goal as a ratio (e.g. 1.2 for "within 1.2×", 0.5 for "at least half the anchor's rate"). */
  readonly goal?: number;
  readonly note?: string;
}

export interface BenchSuite {
  readonly name: string;
  run(): Promise<BenchResult[]>;
}

/** Median of `runs` timings (ms) of an async function, after `warmup` runs. */
export async function medianMs(fn: () => Promise<unknown> | unknown, runs = 15, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Median wall time (ms) of a whole command, via hyperfine when present, else spawnSync. */
export function commandMedianMs(command: string, runs = 15, input?: string): number {
  const hf = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  if (hf.status === 0 && input === undefined) {
    // The export goes to a file: under spawnSync stdout is a socket, which hyperfine cannot export to.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-hyperfine-'));
    const file = path.join(dir, 'result.json');
    try {
      const out = spawnSync('hyperfine', ['-N', '--warmup', '2', '--runs', String(runs), '--export-json', file, '--style', 'none', command], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (out.status === 0) return JSON.parse(readFileSync(file, 'utf8')).results[0].median * 1000;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/bin/sh', ['-c', command], { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr}`);
    if (i >= 2) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
