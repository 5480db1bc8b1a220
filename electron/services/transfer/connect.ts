/**
 * One SSH connection to a submit host: TCP first (so DNS and reachability errors are told
 * apart), then the SSH handshake with host-key checking before anything is sent (a changed
 * key fails the handshake: no password, no key signature, no file), then login.
 */
import net from 'node:net';
import ssh2, { type Client as SshClient, type AuthenticationType, type ParsedKey } from 'ssh2';
import { OnboardError } from '../../../shared/errors';
import { changedHostKeyWarning, describeHostKey, hostKeyAlgorithmsFor, keyTypeLabel, type PresentedHostKey } from './host-key';
import { entriesForHost, judgeHostKey, rememberHostKey, type KnownHostsConfig } from './known-hosts';
import type { ConfirmHostKey, PromptKeyboard, SshAuth, SubmitHostTarget } from './types';

const { Client, utils } = ssh2;

export interface ConnectOptions {
  readonly target: SubmitHostTarget;
  readonly auth: SshAuth;
  readonly knownHosts: KnownHostsConfig;
  readonly confirmHostKey?: ConfirmHostKey;
  readonly promptKeyboard?: PromptKeyboard;
  readonly signal?: AbortSignal;
  /** TCP connect + SSH handshake limit (default 20 s). */
  readonly timeoutMs?: number;
  /**
   * Limit for the SSH handshake and login alone (default `timeoutMs`). ssh2 counts a
   * keyboard-interactive prompt the user is typing into as handshake time, so a window that
   * asks for one-time codes gives more here while TCP connect stays quick to fail.
   */
  readonly handshakeTimeoutMs?: number;
  /** For `SSH_AUTH_SOCK`. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface SshSession {
  readonly client: SshClient;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly hostKey: PresentedHostKey & { readonly trust: 'known' | 'accepted' };
  /** True once the connection has gone (dropped, or ended by us). */
  isClosed(): boolean;
  end(): void;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

function checkTarget(t: SubmitHostTarget): { host: string; port: number; username: string } {
  const host = (t.host ?? '').trim();
  if (!host || /[\s/@]/.test(host) || host.length > 253) {
    throw new OnboardError('INVALID_INPUT', { field: 'host', detail: 'give a host name such as login.example.org (no spaces, no user@)' });
  }
  const port = t.port ?? 22;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new OnboardError('INVALID_INPUT', { field: 'port', detail: 'a number from 1 to 65535' });
  const username = (t.username ?? '').trim();
  // eslint-disable-next-line no-control-regex
  if (!username || /[\s\u0000-\u001f@]/.test(username) || username.length > 256) {
    throw new OnboardError('INVALID_INPUT', { field: 'user', detail: 'your account name on the submit host (no spaces)' });
  }
  return { host, port, username };
}

/** Parses the private key up front so a missing or wrong passphrase is told before connecting. */
export function parsePrivateKey(data: Buffer | string, passphrase: string | undefined, file: string): ParsedKey {
  const parsed = utils.parseKey(data, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error || key === undefined) {
    const msg = key instanceof Error ? key.message : 'no key found';
    if (/no passphrase given/i.test(msg)) throw new OnboardError('TRANSFER_KEY_PASSPHRASE_NEEDED', { file });
    if (/bad passphrase|integrity check failed|bad decrypt/i.test(msg)) {
      throw new OnboardError('TRANSFER_KEY_INVALID', { file, detail: 'the passphrase is not correct' });
    }
    throw new OnboardError('TRANSFER_KEY_INVALID', { file, detail: /unsupported key format/i.test(msg) ? 'this is not an SSH private key' : msg });
  }
  if (!key.isPrivateKey()) throw new OnboardError('TRANSFER_KEY_INVALID', { file, detail: 'this is a public key (.pub); choose the private key file' });
  return key;
}

function abortError(): OnboardError {
  return new OnboardError('CANCELLED');
}

function openTcp(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const sock = net.connect({ host, port });
    const done = (err?: Error) => {
      sock.setTimeout(0);
      sock.removeAllListeners('connect');
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve(sock);
    };
    const onAbort = () => done(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.setTimeout(timeoutMs, () => done(new OnboardError('TRANSFER_HOST_UNREACHABLE', { host, port, detail: `no answer within ${Math.round(timeoutMs / 1000)} seconds` })));
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      done();
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code && DNS_CODES.has(e.code)) return done(new OnboardError('TRANSFER_DNS_FAILED', { host }, { cause: e }));
      const detail =
        e.code === 'ECONNREFUSED' ? 'the connection was refused (no SSH server on that port)' :
        e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'the network cannot reach it' :
        e.code === 'ETIMEDOUT' ? 'it did not answer' : e.message;
      done(new OnboardError('TRANSFER_HOST_UNREACHABLE', { host, port, detail }, { cause: e }));
    });
  });
}

/** Connects, checks the host key, logs in. The caller must `end()` the session. */
export async function connectSubmitHost(opts: ConnectOptions): Promise<SshSession> {
  const { host, port, username } = checkTarget(opts.target);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const handshakeTimeoutMs = opts.handshakeTimeoutMs ?? timeoutMs;
  const auth = opts.auth;
  let parsedKey: ParsedKey | undefined;
  if (auth.method === 'key') parsedKey = parsePrivateKey(auth.privateKey, auth.passphrase, auth.keyFile ?? 'the SSH key');
  let agentSocket: string | undefined;
  if (auth.method === 'agent') {
    agentSocket = auth.socket ?? (opts.env ?? process.env).SSH_AUTH_SOCK;
    if (!agentSocket) throw new OnboardError('TRANSFER_AGENT_UNAVAILABLE', { detail: 'SSH_AUTH_SOCK is not set' });
  }

  // Offer the key types we already know for this host first, as OpenSSH does, so a host
  // known by its RSA key is not reported as “unknown” for its ECDSA key.
  const entries = await entriesForHost(opts.knownHosts, host, port);
  const knownTypes = [...new Set(entries.filter((e) => !e.marker).map((e) => e.keyType))];
  const preferred = knownTypes.flatMap(hostKeyAlgorithmsFor);
  const defaults = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const serverHostKey = [...preferred, ...defaults.filter((a) => !preferred.includes(a))];

  const sock = await openTcp(host, port, timeoutMs, opts.signal);
  const client = new Client();
  let failure: OnboardError | undefined;
  let presented: (PresentedHostKey & { trust: 'known' | 'accepted' }) | undefined;
  let closed = false;
  const attempted: string[] = [];

  const verifyHostKey = async (blob: Buffer): Promise<boolean> => {
    const key = describeHostKey(host, port, blob);
    const verdict = judgeHostKey(entries, key);
    const base = { host, port, keyType: key.keyType, fingerprint: key.fingerprint };
    if (verdict.kind === 'known') {
      presented = { ...key, trust: 'known' };
      return true;
    }
    if (verdict.kind === 'revoked') {
      failure = new OnboardError('TRANSFER_HOST_KEY_REVOKED', { ...base, file: verdict.entry.file, line: verdict.entry.line });
      return false;
    }
    if (verdict.kind === 'changed') {
      const offending = { file: verdict.entry.file, line: verdict.entry.line, keyType: verdict.entry.keyType };
      failure = new OnboardError('TRANSFER_HOST_KEY_CHANGED', { ...base, file: offending.file, line: offending.line, warning: changedHostKeyWarning(key, offending) });
      return false;
    }
    if (!opts.confirmHostKey) {
      failure = new OnboardError('TRANSFER_HOST_KEY_UNKNOWN', { ...base, keyTypeLabel: keyTypeLabel(key.keyType) });
      return false;
    }
    const ok = await opts.confirmHostKey({ ...base, otherKnownTypes: verdict.otherTypes });
    if (opts.signal?.aborted) {
      failure = abortError();
      return false;
    }
    if (!ok) {
      failure = new OnboardError('TRANSFER_HOST_KEY_REJECTED', base);
      return false;
    }
    await rememberHostKey(opts.knownHosts.appFile, key);
    presented = { ...key, trust: 'accepted' };
    return true;
  };

  // Answers keyboard-interactive rounds: a lone hidden password prompt with the password
  // (once), everything else (one-time codes, Duo menus) through the caller's prompt.
  let passwordUsedInKbd = false;
  const kbdPrompt = (name: string, instructions: string, _lang: string, prompts: { prompt: string; echo?: boolean }[], finish: (answers: string[]) => void) => {
    if (prompts.length === 0) return finish([]);
    if (auth.method === 'password' && !passwordUsedInKbd && prompts.length === 1 && !prompts[0].echo && /pass(word|code)?/i.test(prompts[0].prompt)) {
      passwordUsedInKbd = true;
      return finish([auth.password]);
    }
    if (!opts.promptKeyboard) return finish(prompts.map(() => ''));
    opts.promptKeyboard({ name, instructions, prompts: prompts.map((p) => ({ prompt: p.prompt, echo: !!p.echo })) }).then(
      (answers) => finish(prompts.map((_, i) => String(answers[i] ?? ''))),
      (e) => {
        failure = e instanceof OnboardError ? e : abortError();
        client.end();
      },
    );
  };

  type Method = { type: AuthenticationType } & Record<string, unknown>;
  const primary: Method[] = [];
  if (auth.method === 'password') {
    primary.push({ type: 'password', username, password: auth.password });
    primary.push({ type: 'keyboard-interactive', username, prompt: kbdPrompt });
  } else if (auth.method === 'keyboard-interactive') {
    primary.push({ type: 'keyboard-interactive', username, prompt: kbdPrompt });
  } else if (auth.method === 'key') {
    primary.push({ type: 'publickey', username, key: parsedKey });
  } else {
    primary.push({ type: 'agent', username, agent: agentSocket });
  }
  let kbdAfterPartial = false;
  const authHandler = (methodsLeft: AuthenticationType[] | null, partialSuccess: boolean | null, next: (m: unknown) => void) => {
    if (partialSuccess && methodsLeft?.includes('keyboard-interactive') && !kbdAfterPartial) {
      // Second factor after a key or password (e.g. `AuthenticationMethods publickey,keyboard-interactive`).
      kbdAfterPartial = true;
      attempted.push('keyboard-interactive');
      return next({ type: 'keyboard-interactive', username, prompt: kbdPrompt });
    }
    while (primary.length > 0) {
      const m = primary.shift()!;
      const wireType = m.type === 'agent' ? 'publickey' : m.type;
      if (methodsLeft && !methodsLeft.includes(wireType as AuthenticationType)) continue;
      attempted.push(m.type === 'agent' ? 'SSH agent' : m.type);
      return next(m);
    }
    return next(false);
  };

  return new Promise<SshSession>((resolve, reject) => {
    let settled = false;
    const fail = (e: OnboardError) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      client.end();
      sock.destroy();
      reject(e);
    };
    const onAbort = () => {
      failure = abortError();
      fail(failure);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({
        client,
        host,
        port,
        username,
        hostKey: presented!,
        isClosed: () => closed,
        end: () => {
          closed = true;
          client.end();
        },
      });
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (failure) return fail(failure);
      if (settled) return; // after ready: the upload sees the drop through its own calls
      if (err.level === 'client-authentication') {
        return fail(new OnboardError('TRANSFER_AUTH_FAILED', { host, user: username, method: attempted.join(', ') || auth.method }));
      }
      if (err.level === 'agent' || /agent/i.test(err.message) && auth.method === 'agent') {
        return fail(new OnboardError('TRANSFER_AGENT_UNAVAILABLE', { detail: err.message }, { cause: err }));
      }
      if (err.level === 'client-timeout') {
        return fail(new OnboardError('TRANSFER_NOT_SSH', { host, port, detail: `the SSH handshake did not finish within ${Math.round(handshakeTimeoutMs / 1000)} seconds` }));
      }
      if (err.level === 'client-socket') {
        return fail(new OnboardError('TRANSFER_CONNECTION_DROPPED', { host, action: 'connecting', detail: err.message }, { cause: err }));
      }
      return fail(new OnboardError('TRANSFER_NOT_SSH', { host, port, detail: err.message }, { cause: err }));
    });
    client.on('close', () => {
      closed = true;
      if (failure) return fail(failure);
      fail(new OnboardError('TRANSFER_CONNECTION_DROPPED', { host, action: 'connecting', detail: 'the host closed the connection' }));
    });

    client.connect({
      sock,
      host,
      port,
      username,
      readyTimeout: handshakeTimeoutMs,
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      algorithms: { serverHostKey: serverHostKey as never },
      hostVerifier: (blob: Buffer, verify: (ok: boolean) => void) => {
        verifyHostKey(blob).then(verify, (e) => {
          failure = e instanceof OnboardError ? e : new OnboardError('INTERNAL', { detail: (e as Error).message });
          verify(false);
        });
      },
      authHandler: authHandler as never,
    });
  });
}
