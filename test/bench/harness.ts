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

/** The machine's 1/5/15-minute load averages and core count, for a result's note (other work skews timings). */
export function loadAverage(): string {
  const [a, b, c] = os.loadavg();
  return `load ${a.toFixed(2)}/${b.toFixed(2)}/${c.toFixed(2)} on ${os.cpus().length} cores`;
}

export interface CommandTimes {
  readonly command: string;
  /** Every measured wall time (ms), all rounds pooled. */
  readonly timesMs: readonly number[];
  readonly medianMs: number;
  /** Mean user+sys CPU time (ms); undefined without hyperfine. */
  readonly cpuMs?: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Several commands timed in `rounds` alternating rounds of `runsPerRound` runs each (hyperfine
 * when present), so a change in the machine's load hits all of them alike rather than whichever
 * ran last; the times of all rounds are pooled. Bounded: rounds × runsPerRound runs per command.
 */
export function interleavedCommandTimes(commands: readonly string[], rounds: number, runsPerRound: number): CommandTimes[] {
  const times = commands.map(() => [] as number[]);
  const cpu = commands.map(() => [] as number[]);
  const hyperfine = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' }).status === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'osg-hyperfine-'));
  try {
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round: no command always runs first or last.
      const order = commands.map((_, i) => (i + r) % commands.length);
      if (hyperfine) {
        const file = path.join(dir, `round-${r}.json`);
        const out = spawnSync('hyperfine', ['-N', '--warmup', '2', '--runs', String(runsPerRound), '--export-json', file, '--style', 'none', ...order.map((i) => commands[i])], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        if (out.status !== 0) throw new Error(`hyperfine failed: ${out.stderr}`);
        const json = JSON.parse(readFileSync(file, 'utf8')) as { results: { times: number[]; user: number; system: number }[] };
        json.results.forEach((res, k) => {
          times[order[k]].push(...res.times.map((t) => t * 1000));
          cpu[order[k]].push((res.user + res.system) * 1000);
        });
      } else {
        for (const i of order) {
          for (let n = 0; n < runsPerRound + 2; n++) {
            const t0 = process.hrtime.bigint();
            const res = spawnSync('/bin/sh', ['-c', commands[i]], { encoding: 'utf8' });
            if (res.status !== 0) throw new Error(`${commands[i]} failed: ${res.stderr}`);
            if (n >= 2) times[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return commands.map((command, i) => ({
    command,
    timesMs: times[i],
    medianMs: median(times[i]),
    cpuMs: hyperfine ? cpu[i].reduce((a, b) => a + b, 0) / cpu[i].length : undefined,
  }));
}

/**
 * A 95% interval for median(a) / median(b) by resampling both samples (seeded, so a rerun on the
 * same times prints the same interval). Shows how far a ratio can move on noise alone.
 */
export function medianRatioInterval(a: readonly number[], b: readonly number[], resamples = 2000): [number, number] {
  let seed = 0x9e3779b9;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const pick = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(rand() * xs.length)]);
  const ratios = Array.from({ length: resamples }, () => median(pick(a)) / median(pick(b))).sort((x, y) => x - y);
  return [ratios[Math.floor(resamples * 0.025)], ratios[Math.floor(resamples * 0.975)]];
}
