/**
 * Where passphrases live: the OS keychain (keytar, service `osg-onboard`) behind this small
 * interface, so the keychain library is one file and tests can hand a real keyring or a
 * temp one. Accounts are app-chosen names (`credential:<id>`, `pusp-pseudonym:<portal>`, …);
 * there is no "list everything" on purpose.
 */
export interface SecretStore {
  /** Human name of the backend, for messages ("GNOME Keyring", "macOS Keychain", …). */
  readonly backend: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Returns true when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export const KEYCHAIN_SERVICE = 'osg-onboard';
