/**
 * The OS keychain through keytar (service `osg-onboard`): Secret Service (GNOME Keyring, KWallet)
 * on Linux, Keychain on macOS, Credential Manager on Windows. The ONLY file that imports keytar,
 * and only when first used, so the CLI starts without loading the native addon.
 *
 * Every failure — no D-Bus session, no Secret Service, a locked keyring, a prompt dismissed, the
 * addon missing, no answer in time — is KEYCHAIN_UNAVAILABLE, whose hint offers typing the
 * passphrase each time instead.
 */
import { OnboardError } from '../../../shared/errors';
import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store';

type Keytar = typeof import('keytar');

export interface KeytarStoreOptions {
  readonly service?: string;
  /** How long to wait for the keychain (a keyring prompt nobody answers never returns). */
  readonly timeoutMs?: number;
  /** Loads keytar (tests may pass a loader that fails). */
  readonly load?: () => Promise<Keytar>;
}

export function keychainBackendName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (GNOME Keyring / KWallet)';
}

async function loadKeytar(): Promise<Keytar> {
  const mod = (await import('keytar')) as Keytar & { default?: Keytar };
  return mod.default ?? mod;
}

export class KeytarSecretStore implements SecretStore {
  readonly backend = keychainBackendName();
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly load: () => Promise<Keytar>;
  private keytar: Promise<Keytar> | undefined;

  constructor(options: KeytarStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.load = options.load ?? loadKeytar;
  }

  private unavailable(detail: string, cause?: unknown): OnboardError {
    return new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: this.backend, detail }, { cause });
  }

  private async call<T>(op: (k: Keytar) => Promise<T>): Promise<T> {
    let k: Keytar;
    try {
      this.keytar ??= this.load();
      k = await this.keytar;
    } catch (e) {
      this.keytar = undefined;
      throw this.unavailable('the keychain library could not be loaded', e);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.unavailable(`no answer within ${Math.round(this.timeoutMs / 1000)} s (is a keyring prompt waiting?)`)), this.timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([op(k), timeout]);
    } catch (e) {
      if (e instanceof OnboardError) throw e;
      throw this.unavailable(describeFailure(e), e);
    } finally {
      clearTimeout(timer);
    }
  }

  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }

  /** Proves the keychain answers and accepts a write (a locked keyring refuses writes, not reads). */
  async probe(): Promise<void> {
    const account = `probe:${process.pid}`;
    await this.set(account, 'ok');
    await this.delete(account);
  }
}

/** Plain words for libsecret's messages. */
function describeFailure(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/locked/i.test(msg)) return 'the keyring is locked';
  if (/autolaunch|DISPLAY|Could not connect|No such file/i.test(msg)) return 'there is no desktop session bus (D-Bus)';
  if (/org\.freedesktop\.secrets|not provided by any/i.test(msg)) return 'no keyring service (GNOME Keyring or KWallet) is running';
  if (/Object does not exist|collection/i.test(msg)) return 'there is no default keyring yet';
  if (/dismiss|cancel/i.test(msg)) return 'the keyring prompt was dismissed';
  return msg.slice(0, 200);
}
