/**
 * Where the Request and Back up steps keep key passphrases: the mode the Protect step recorded
 * in the journal (`protect: { mode: 'keychain' | 'ask' }`; `prompt` read as `ask`), else the OS
 * keychain when it answers here, else typed by the user. A typed passphrase is held in this
 * process's memory only (so it is asked once per session) and never written anywhere.
 */
import { z } from 'zod';
import { OnboardError, isOnboardError } from '../../../shared/errors';
import type { KeyProtectionView } from '../../../shared/contract/request';
import { CredentialStore } from '../credential/store';
import { KeytarSecretStore } from '../keychain/keytar-store';
import type { SecretStore } from '../keychain/secret-store';
import type { Journal } from '../journal/journal';

const protectSection = z.object({ mode: z.enum(['keychain', 'ask', 'prompt']), backend: z.string().optional() }).passthrough();

export interface KeyProtectionOptions {
  readonly dataDir: string;
  readonly journal: Journal;
  /** The OS keychain (tests pass a store on their own keyring, or one that fails). */
  readonly keychain?: () => SecretStore;
  readonly now?: () => Date;
}

interface Resolved {
  readonly view: KeyProtectionView;
  /** The keychain, when the mode is `keychain`. */
  readonly secrets: SecretStore | null;
}

export class KeyProtection {
  private readonly typed = new Map<string, string>();
  private probed: Promise<{ ok: true; store: SecretStore } | { ok: false; backend: string; reason: string }> | undefined;
  private readonly keychain: () => SecretStore;

  constructor(private readonly opts: KeyProtectionOptions) {
    let one: SecretStore | undefined;
    const make = opts.keychain ?? (() => new KeytarSecretStore());
    this.keychain = () => (one ??= make());
  }

  /** Probes the keychain once per process (a throw-away entry written, read and deleted). */
  private probe() {
    return (this.probed ??= (async () => {
      const store = this.keychain();
      const account = `probe:request-step:${process.pid}-${Date.now()}`;
      try {
        await store.set(account, 'probe');
        const back = await store.get(account);
        await store.delete(account);
        if (back !== 'probe') return { ok: false as const, backend: store.backend, reason: 'a test entry could not be read back' };
        return { ok: true as const, store };
      } catch (e) {
        this.probed = undefined; // the user may unlock or start the keyring and try again
        const reason = isOnboardError(e) ? String(e.details?.detail ?? e.message) : (e as Error).message;
        return { ok: false as const, backend: store.backend, reason };
      }
    })());
  }

  /** The mode for new keys. */
  async resolve(): Promise<Resolved> {
    const section = protectSection.safeParse((await this.opts.journal.read() as Record<string, unknown>).protect);
    if (section.success) {
      if (section.data.mode === 'keychain') {
        return { view: { mode: 'keychain', backend: section.data.backend ?? this.keychain().backend, chosenInProtect: true }, secrets: this.keychain() };
      }
      return { view: { mode: 'typed', chosenInProtect: true }, secrets: null };
    }
    const p = await this.probe();
    if (p.ok) return { view: { mode: 'keychain', backend: p.store.backend, chosenInProtect: false }, secrets: p.store };
    return { view: { mode: 'typed', backend: p.backend, reason: p.reason, chosenInProtect: false }, secrets: null };
  }

  /** Whether the keychain answers (for "remember the password"), with the reason when not. */
  async keychainStatus(): Promise<{ available: boolean; backend: string; reason?: string; store?: SecretStore }> {
    const p = await this.probe();
    return p.ok ? { available: true, backend: p.store.backend, store: p.store } : { available: false, backend: p.backend, reason: p.reason };
  }

  /**
   * The credential store. Its keychain is used only for credentials made in keychain mode; a
   * `typed` credential is opened with the passphrase given to `unlock`.
   */
  async store(): Promise<CredentialStore> {
    return new CredentialStore({ dataDir: this.opts.dataDir, secrets: this.keychain(), now: this.opts.now });
  }

  remember(credentialId: string, passphrase: string): void {
    this.typed.set(credentialId, passphrase);
  }

  forget(credentialId: string): void {
    this.typed.delete(credentialId);
  }

  /** The passphrase typed earlier in this session, if any. */
  typedPassphrase(credentialId: string): string | undefined {
    return this.typed.get(credentialId);
  }

  /**
   * The credential's private key: from the keychain, or with the passphrase typed now (then
   * remembered for the session) or earlier in this session. KEY_PASSPHRASE_REQUIRED otherwise.
   */
  async unlock(credentialId: string, typedNow?: string) {
    const store = await this.store();
    const record = await store.get(credentialId);
    if (record.passphrase === 'keychain') return store.unlockKey(credentialId);
    const passphrase = typedNow ?? this.typed.get(credentialId);
    if (passphrase === undefined) throw new OnboardError('KEY_PASSPHRASE_REQUIRED', { what: 'your saved key' });
    const key = await store.unlockKey(credentialId, passphrase);
    this.typed.set(credentialId, passphrase);
    return key;
  }
}
