import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const execFileAsync = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without blocking the event loop (the CA under test may be in this process). */
export async function run(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  try {
    const r = await execFileAsync(file, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** The osg-onboard CLI from source (tsx). */
export function cli(args: readonly string[]): Promise<RunResult> {
  return run(process.execPath, [path.join(ROOT, 'build', 'bin', 'osg-onboard.mjs'), ...args], {
    env: { ...process.env, OSG_ONBOARD_FROM_SOURCE: '1' },
  });
}

export interface TestCsr {
  readonly keyFile: string;
  readonly csrDer: Buffer;
  readonly csrFile: string;
  /** base64 of the DER, as EST sends it. */
  readonly b64File: string;
}

/** A key and CSR made by `openssl req` (RSA unless `keyAlg` says otherwise). */
export async function opensslCsr(dir: string, name: string, opts: { subject: string; email?: string; keyAlg?: string[] }): Promise<TestCsr> {
  const keyFile = path.join(dir, `${name}-key.pem`);
  const csrFile = path.join(dir, `${name}.csr.der`);
  const args = ['req', '-new', '-newkey', ...(opts.keyAlg ?? ['rsa:2048']), '-nodes', '-keyout', keyFile, '-subj', opts.subject, '-utf8', '-outform', 'DER', '-out', csrFile];
  if (opts.email) args.push('-addext', `subjectAltName=email:${opts.email}`);
  const r = await run('openssl', args);
  if (r.code !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  const csrDer = readFileSync(csrFile);
  const b64File = path.join(dir, `${name}.csr.b64`);
  writeFileSync(b64File, csrDer.toString('base64').replace(/.{64}/g, '$&\n') + '\n');
  return { keyFile, csrDer, csrFile, b64File };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Starts `osg-onboard sandbox start --json` as a child (node --import tsx) and reads its first line. */
export async function spawnSandbox(dir: string, extra: readonly string[] = []): Promise<{ child: ChildProcess; info: { estUrl: string; sponsorUrl: string; enrolmentCode: string; caFingerprint: string; pid: number } }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'electron', 'cli', 'index.ts'), 'sandbox', 'start', '--dir', dir, '--json', '--retry-after', '1', ...extra],
    { cwd: ROOT, env: { ...process.env, OSG_ONBOARD_CLI_ENTRY: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const info = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox start gave no URL in 60 s: ${err}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox start exited (${code}): ${err}`));
    });
  });
  return { child, info: JSON.parse(info) };
}

/** Waits for a child to be gone (reaped), so its pid no longer looks alive. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
