/**
 * Keychain capability: the SecretStore interface, the OS keychain (keytar, loaded lazily) and the
 * in-memory "type it each time" fallback.
 */
import { isOnboardError, type WireError } from '../../../shared/errors';
import { KeytarSecretStore, type KeytarStoreOptions } from './keytar-store';
import { SessionSecretStore } from './session-store';
import type { SecretStore } from './secret-store';

export { KEYCHAIN_SERVICE, type SecretStore } from './secret-store';
export { KeytarSecretStore, keychainBackendName, type KeytarStoreOptions } from './keytar-store';
export { SessionSecretStore } from './session-store';

export interface OpenedSecretStore {
  readonly store: SecretStore;
  /** Set when the keychain could not be used and the session store was chosen instead. */
  readonly fallback?: WireError;
}

/**
 * The keychain when it answers (probed with a write + delete), else the session store with the
 * reason — the UI then says "the passphrase will be asked each time" and shows the reason.
 */
export async function openSecretStore(options: KeytarStoreOptions & { preferKeychain?: boolean } = {}): Promise<OpenedSecretStore> {
  if (options.preferKeychain === false) return { store: new SessionSecretStore() };
  const keychain = new KeytarSecretStore(options);
  try {
    await keychain.probe();
    return { store: keychain };
  } catch (e) {
    if (!isOnboardError(e)) throw e;
    return { store: new SessionSecretStore(), fallback: e.toWire() };
  }
}
