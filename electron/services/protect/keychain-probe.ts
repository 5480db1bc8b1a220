/**
 * Does the OS keychain really work here? A throw-away entry is written, read back and deleted
 * through the SecretStore (never a listing of the user's entries), and on Linux the program
 * answering the Secret Service is named (GNOME Keyring, KWallet, KeePassXC…).
 */
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import type { KeychainProbe } from '../../../shared/contract/protect';
import type { SecretStore } from '../keychain/secret-store';

/** The account of the throw-away entry: unique per probe, so a crash mid-probe never hits a real one. */
export function probeAccount(): string {
  return `probe:protect-step:${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** Secret Service providers by process name (`/proc/<pid>/comm`, at most 15 characters). */
export function secretServiceProviderName(comm: string): string | undefined {
  const c = comm.trim();
  if (c.startsWith('gnome-keyring')) return 'GNOME Keyring';
  if (/^kwalletd|^ksecretd/.test(c)) return 'KWallet';
  if (c.startsWith('keepassxc')) return 'KeePassXC';
  if (c === 'pass-secret-ser' || c.startsWith('pass-secret')) return 'pass (Secret Service)';
  if (c.startsWith('oo7')) return 'oo7';
  return undefined;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => resolve(err ? undefined : stdout));
    child.stdin?.end();
  });
}

/**
 * Which program owns `org.freedesktop.secrets` on the session bus (Linux), asked with
 * `dbus-send`; undefined when that cannot be told (no dbus-send, no bus, unknown program).
 */
export async function linuxSecretServiceName(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (!env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  const out = await run(
    'dbus-send',
    ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID', 'string:org.freedesktop.secrets'],
    env,
    3000,
  );
  const pid = out && /uint32\s+(\d+)/.exec(out)?.[1];
  if (!pid) return undefined;
  const comm = await fsp.readFile(`/proc/${pid}/comm`, 'utf8').catch(() => undefined);
  return comm ? secretServiceProviderName(comm) : undefined;
}

export interface ProbeOptions {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
}

/** Probes `store` with a real round trip; any failure is reported as KEYCHAIN_UNAVAILABLE with its reason. */
export async function probeKeychain(store: SecretStore, opts: ProbeOptions = {}): Promise<KeychainProbe> {
  const account = probeAccount();
  const value = randomBytes(18).toString('base64');
  let stored = false;
  try {
    await store.set(account, value);
    stored = true;
    const back = await store.get(account);
    if (back !== value) {
      throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: store.backend, detail: back === null ? 'a test entry was accepted but could not be read back' : 'a test entry read back different from what was stored' });
    }
    const deleted = await store.delete(account);
    stored = !deleted;
    if (!deleted) throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: store.backend, detail: 'a test entry could not be deleted again' });
  } catch (e) {
    if (stored) await store.delete(account).catch(() => false);
    const err = isOnboardError(e) && e.code === 'KEYCHAIN_UNAVAILABLE'
      ? e
      : new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: store.backend, detail: e instanceof Error ? e.message.slice(0, 200) : String(e) });
    return { available: false, backend: store.backend, error: err.toWire() };
  }
  const platform = opts.platform ?? process.platform;
  const named = platform === 'linux' ? await linuxSecretServiceName(opts.env ?? process.env) : undefined;
  return { available: true, backend: named ?? store.backend };
}
