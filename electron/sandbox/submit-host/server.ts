/**
 * The sandbox submit host (embedded default): an SSH server on 127.0.0.1 built on ssh2's
 * server side. One account (password, optional one-time code by keyboard-interactive, or an
 * authorized public key), SFTP jailed in the sandbox home, and exactly one command:
 * `openssl x509 -noout -subject -enddate -in ~/.globus/usercert.pem`, run with the local
 * openssl on the sandbox file — any other command exits 127 (“not available here”).
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { timingSafeEqual, createHash } from 'node:crypto';
import ssh2, { type Connection, type AuthContext, type ServerChannel } from 'ssh2';
import { OnboardError } from '../../../shared/errors';
import { SandboxSftpSession } from './sandbox-sftp';
import { keyBlobType } from '../../services/transfer/host-key';
import { loadAuthorizedKeys, loadOrCreateAccount, loadOrCreateHostKey, prepareHome, type SandboxHostKey } from './state';

const { Server, utils } = ssh2;

export const SANDBOX_OPENSSL_COMMAND = 'openssl x509 -noout -subject -enddate -in ~/.globus/usercert.pem';

export interface StartSandboxSubmitHostOptions {
  /** State folder (host key, account, home): `sandboxSubmitHostDir(dataDir)`. */
  readonly dir: string;
  /** 0 or absent: a random free port. Always bound to 127.0.0.1. */
  readonly port?: number;
  readonly username?: string;
  /** Fixed password; otherwise the one generated on first start. */
  readonly password?: string;
  /** Extra OpenSSH public key lines allowed to log in. */
  readonly authorizedKeys?: readonly string[];
  /** When set, logging in needs this one-time code too (asked by keyboard-interactive). */
  readonly oneTimeCode?: string;
  /** openssl to run the certificate check with; `false` refuses every command (exec). */
  readonly openssl?: string | false;
  /** Total bytes the home may hold (reproduces “disk full”). */
  readonly quotaBytes?: number;
}

export interface SandboxSubmitHost {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The real folder that is the account's home. */
  readonly homeDir: string;
  /** What clients see as the home. */
  readonly virtualHome: string;
  readonly hostKey: Omit<SandboxHostKey, 'privateKey'>;
  /** A known_hosts line for this host (`[127.0.0.1]:port ssh-ed25519 AAAA…`). */
  readonly knownHostsLine: string;
  /** Ends every open connection now (help-desk replay of “connection dropped”); returns how many. */
  dropConnections(): number;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  // Hash first so lengths match and timing says nothing.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function runOpenssl(openssl: string, file: string, channel: ServerChannel): void {
  const child = spawn(openssl, ['x509', '-noout', '-subject', '-enddate', '-in', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => channel.write(d));
  child.stderr.on('data', (d: Buffer) => channel.stderr.write(d));
  child.on('error', () => {
    channel.stderr.write('openssl: command not found\n');
    channel.exit(127);
    channel.end();
  });
  child.on('close', (code) => {
    channel.exit(code ?? 1);
    channel.end();
  });
}

export async function startSandboxSubmitHost(opts: StartSandboxSubmitHostOptions): Promise<SandboxSubmitHost> {
  let hostKey: SandboxHostKey;
  let account: { username: string; password: string };
  let homeDir: string;
  let keys: Buffer[];
  try {
    homeDir = await prepareHome(opts.dir);
    hostKey = await loadOrCreateHostKey(opts.dir);
    account = await loadOrCreateAccount(opts.dir, { username: opts.username, password: opts.password });
    keys = await loadAuthorizedKeys(opts.dir, opts.authorizedKeys);
  } catch (e) {
    if (e instanceof OnboardError) throw e;
    throw new OnboardError('SANDBOX_SUBMIT_HOST_FAILED', { detail: (e as Error).message }, { cause: e });
  }
  const virtualHome = `/home/${account.username}`;
  const openssl = opts.openssl === undefined ? 'openssl' : opts.openssl;
  const connections = new Set<Connection>();

  const authenticate = (ctx: AuthContext, state: { passwordOk: boolean }) => {
    const all: ('password' | 'publickey' | 'keyboard-interactive')[] = ['publickey', 'password', 'keyboard-interactive'];
    if (ctx.username !== account.username) return ctx.reject(all);
    const needCode = opts.oneTimeCode !== undefined;
    const askCode = () =>
      (ctx as Extract<AuthContext, { method: 'keyboard-interactive' }>).prompt(
        [{ prompt: 'Verification code (sandbox): ', echo: true }],
        'Sandbox two-step login',
        'Type the one-time code shown in OSG Onboard’s sandbox panel.',
        (answers) => (sameSecret(answers[0] ?? '', opts.oneTimeCode!) ? ctx.accept() : ctx.reject(['keyboard-interactive'], false)),
      );
    switch (ctx.method) {
      case 'password':
        if (!sameSecret(ctx.password, account.password)) return ctx.reject(all);
        if (!needCode) return ctx.accept();
        state.passwordOk = true;
        return ctx.reject(['keyboard-interactive'], true);
      case 'publickey': {
        const blob = ctx.key.data;
        if (!keys.some((k) => k.equals(blob))) return ctx.reject(all);
        if (!ctx.signature || !ctx.blob) return ctx.accept(); // “would this key do?” query
        const parsed = utils.parseKey(`${keyBlobType(blob)} ${blob.toString('base64')}`);
        const pub = Array.isArray(parsed) ? parsed[0] : parsed;
        if (pub instanceof Error || !pub || !pub.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.reject(all);
        if (!needCode) return ctx.accept();
        state.passwordOk = true;
        return ctx.reject(['keyboard-interactive'], true);
      }
      case 'keyboard-interactive':
        if (state.passwordOk) return askCode();
        return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          if (!sameSecret(answers[0] ?? '', account.password)) return ctx.reject(all);
          if (!needCode) return ctx.accept();
          state.passwordOk = true;
          askCode();
        });
      default:
        return ctx.reject(all);
    }
  };

  const server = new Server({ hostKeys: [hostKey.privateKey], ident: 'OSG-Onboard-sandbox' }, (client) => {
    connections.add(client);
    const state = { passwordOk: false };
    client.on('authentication', (ctx) => authenticate(ctx, state));
    client.on('error', () => {});
    client.on('close', () => connections.delete(client));
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (accept) => {
          const sftp = accept();
          new SandboxSftpSession(sftp, { root: homeDir, virtualHome, quotaBytes: opts.quotaBytes });
        });
        session.on('exec', (accept, reject, info) => {
          if (openssl === false) return reject();
          const channel = accept();
          if (info.command.trim() !== SANDBOX_OPENSSL_COMMAND) {
            channel.stderr.write(`sandbox submit host: only “${SANDBOX_OPENSSL_COMMAND}” can be run here\n`);
            channel.exit(127);
            return channel.end();
          }
          const file = path.join(homeDir, '.globus', 'usercert.pem');
          fsp.lstat(file).then(
            (st) => {
              if (!st.isFile()) throw new Error('not a file');
              runOpenssl(openssl, file, channel);
            },
            () => {
              channel.stderr.write(`Could not open file or uri for loading certificate from ${virtualHome}/.globus/usercert.pem\n`);
              channel.exit(1);
              channel.end();
            },
          );
        });
      });
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new OnboardError('SANDBOX_SUBMIT_HOST_FAILED', { detail: e.code === 'EADDRINUSE' ? `port ${opts.port} is in use` : e.message }, { cause: e })),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  return {
    host: '127.0.0.1',
    port,
    username: account.username,
    password: account.password,
    homeDir,
    virtualHome,
    hostKey: { publicLine: hostKey.publicLine, keyType: hostKey.keyType, fingerprint: hostKey.fingerprint },
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.publicLine}`,
    dropConnections: () => {
      const n = connections.size;
      for (const c of connections) c.end();
      connections.clear();
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.end();
        server.close(() => resolve());
      }),
  };
}
