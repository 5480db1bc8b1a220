import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunningApp {
  readonly process: ChildProcess;
  readonly openUrl: string;
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the app the way a newcomer does (`npm start` → build/bin/start.mjs) with its own
 * data folder, and waits for the address it prints. Killed by PID at stop.
 */
export async function startApp(opts: { dataDir: string; args?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunningApp> {
  const child = spawn(process.execPath, [path.join(ROOT, 'build', 'bin', 'start.mjs'), ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, OSG_ONBOARD_DATA: opts.dataDir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const openUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not print its address in time:\n${out}`)), opts.timeoutMs ?? 90_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited (${code}) before printing its address:\n${out}`));
    });
  });
  return {
    process: child,
    openUrl,
    url: openUrl.replace(/#.*$/, ''),
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
