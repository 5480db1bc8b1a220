/**
 * "Type the passphrase each time": secrets kept only in this process's memory, forgotten when
 * the app quits. Used when there is no keychain (or the user prefers not to use it).
 */
import type { SecretStore } from './secret-store';

export class SessionSecretStore implements SecretStore {
  readonly backend = 'this session only (typed each time the app starts)';
  private readonly secrets = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.secrets.delete(account);
  }
}
