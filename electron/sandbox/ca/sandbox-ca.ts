import { promises as fsp, constants as C } from 'node:fs';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { OnboardError } from '../../../shared/errors';
import { ensureDir, writeFileAtomic } from '../../services/fs/atomic';
import { CaCore } from './ca-core';
import { ensureServerCert, loadOrCreateCa } from './ca-material';
import { createEstServer } from './est-server';
import { RequestStore, type SandboxRequest } from './request-store';

export const SANDBOX_FILES = { lock: 'server.lock', state: 'server.json', enrolmentCode: 'enrolment-code' } as const;

export interface SandboxCaOptions {
  /** The sandbox folder (made 0700): CA key and certificate, requests log, server state. */
  readonly dir: string;
  /** Port on 127.0.0.1; 0 for a free one. Default: the port of the last start if free, else a free one. */
  readonly port?: number;
  /** Help-desk setting: approve every request at once. */
  readonly autoApprove?: boolean;
  /** The enrolment code clients send as HTTP Basic password; default: made once and kept in the folder. */
  readonly enrolmentCode?: string;
  /** Retry-After sent with 202 (seconds); default 5. */
  readonly retryAfterSeconds?: number;
  readonly now?: () => Date;
}

export interface SandboxCa {
  /** The EST base, e.g. `https://127.0.0.1:40123/.well-known/est`. */
  readonly estUrl: string;
  /** The sponsor page with this start's admin token. */
  readonly sponsorUrl: string;
  readonly crlUrl: string;
  readonly port: number;
  readonly caCertPem: string;
  /** SHA-256 fingerprint of the CA certificate, `AA:BB:…`. */
  readonly caFingerprint: string;
  readonly caSubject: string;
  readonly enrolmentCode: string;
  approve(id: string): Promise<SandboxRequest>;
  reject(id: string, reason?: string): Promise<SandboxRequest>;
  list(): Promise<SandboxRequest[]>;
  setAutoApprove(on: boolean): void;
  close(): Promise<void>;
}

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One server per sandbox folder: a lock file with our pid; a dead holder's lock is taken over. */
async function takeLock(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, SANDBOX_FILES.lock);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(lockPath, C.O_WRONLY | C.O_CREAT | C.O_EXCL, 0o600);
      await fh.writeFile(JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      await fh.close();
      heldHere.add(dir);
      return async () => {
        heldHere.delete(dir);
        await fsp.rm(lockPath, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = 0;
    try {
      pid = Number(JSON.parse(await fsp.readFile(lockPath, 'utf8')).pid) || 0;
    } catch {
      /* empty or torn lock file: the holder died while writing it */
    }
    const held = pid === process.pid ? heldHere.has(dir) : pid > 0 && alive(pid);
    if (held) throw new OnboardError('SANDBOX_CA_RUNNING', { pid, dir });
    await fsp.rm(lockPath, { force: true });
  }
  throw new OnboardError('SANDBOX_CA_RUNNING', { pid: 'unknown', dir });
}

/** The enrolment code: given, else the one kept in the folder, else a new one (XXXX-XXXX). */
export async function enrolmentCodeFor(dir: string, given?: string): Promise<string> {
  if (given) return given;
  const file = path.join(dir, SANDBOX_FILES.enrolmentCode);
  try {
    const kept = (await fsp.readFile(file, 'utf8')).trim();
    if (kept) return kept;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  const pick = () => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join('');
  const code = `${pick()}-${pick()}`;
  await writeFileAtomic(file, code + '\n', { mode: 0o600, existing: 'replace' });
  return code;
}

async function lastPort(dir: string): Promise<number | undefined> {
  try {
    const p = Number(JSON.parse(await fsp.readFile(path.join(dir, SANDBOX_FILES.state), 'utf8')).port);
    return Number.isInteger(p) && p > 0 && p < 65536 ? p : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: ReturnType<typeof createEstServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Starts the sandbox CA over `dir`: makes the root CA at first start, reloads its requests, and
 * serves EST + CRL + sponsor page on 127.0.0.1. The same folder comes back on the same port when
 * it can, so URLs in pending requests and CRL distribution points keep working.
 */
export async function startSandboxCa(opts: SandboxCaOptions): Promise<SandboxCa> {
  const dir = path.resolve(opts.dir);
  const now = opts.now ?? (() => new Date());
  await ensureDir(dir, 0o700);
  const unlock = await takeLock(dir);
  try {
    const ca = await loadOrCreateCa(dir, { now: now() });
    const tls = await ensureServerCert(dir, ca, now());
    const enrolmentCode = await enrolmentCodeFor(dir, opts.enrolmentCode);
    const store = new RequestStore(dir, now);
    await store.refresh();
    let port = 0;
    const core = new CaCore({ ca, store, now, crlUrl: () => `https://127.0.0.1:${port}/crl`, autoApprove: opts.autoApprove ?? false });
    const adminToken = randomBytes(24).toString('base64url');
    const server = createEstServer({
      ca,
      core,
      tls,
      enrolmentCode,
      retryAfterSeconds: opts.retryAfterSeconds ?? 5,
      now,
      sponsor: { adminToken, csrfToken: randomBytes(24).toString('base64url'), origins: () => [`https://127.0.0.1:${port}`, `https://localhost:${port}`] },
    });
    const wanted = opts.port ?? (await lastPort(dir)) ?? 0;
    try {
      port = await listen(server, wanted);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      if (opts.port !== undefined) throw new OnboardError('SANDBOX_PORT_IN_USE', { port: wanted });
      port = await listen(server, 0);
    }
    await writeFileAtomic(path.join(dir, SANDBOX_FILES.state), JSON.stringify({ port }) + '\n', { mode: 0o600, existing: 'replace' });
    const origin = `https://127.0.0.1:${port}`;
    let closed = false;
    return {
      estUrl: `${origin}/.well-known/est`,
      sponsorUrl: `${origin}/sponsor?token=${adminToken}`,
      crlUrl: `${origin}/crl`,
      port,
      caCertPem: ca.certPem,
      caFingerprint: ca.fingerprint256,
      caSubject: ca.subject,
      enrolmentCode,
      approve: (id) => core.approve(id, 'sponsor (app)'),
      reject: (id, reason) => core.reject(id, reason, 'sponsor (app)'),
      list: () => core.list(),
      setAutoApprove: (on) => {
        core.autoApprove = on;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await unlock();
      },
    };
  } catch (e) {
    await unlock();
    throw e;
  }
}
