import { OnboardError } from '../../../shared/errors';
import type { ProtectChoice, ProtectMode, ProtectStatus } from '../../../shared/contract/protect';
import type { Handlers } from '../dispatch';
import type { Journal } from '../journal/journal';
import type { SecretStore } from '../keychain/secret-store';
import { CredentialStore } from '../credential/store';
import { probeKeychain, type ProbeOptions } from './keychain-probe';
import { readProtectSection, type ProtectSection } from './protect-mode';

export { readProtectMode, readProtectSection, requireProtectMode, secretsForMode } from './protect-mode';

export interface ProtectDeps extends ProbeOptions {
  readonly journal: Journal;
  readonly dataDir: string;
  /** The OS keychain (keytar); a fresh one per probe is fine. Tests pass stores that fail. */
  readonly keychain: () => SecretStore;
  readonly now: () => Date;
}

/** How the Request step writes the key (electron/services/credential/keys.ts encryptPrivateKey). */
export const KEY_FORMAT = 'encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC), file mode 0600';

export function protectSummary(mode: ProtectMode, backend?: string): string {
  return mode === 'keychain' ? `passphrase in ${backend ?? 'the keychain'}` : 'passphrase asked each time';
}

/** The Protect procedures: probe the keychain, record the user's choice in the journal. */
export function protectHandlers(deps: ProtectDeps): Pick<Handlers, 'protectStatus' | 'protectChoose'> {
  const probe = () => probeKeychain(deps.keychain(), deps);
  return {
    protectStatus: async (): Promise<ProtectStatus> => {
      const keychain = await probe();
      const section = readProtectSection(await deps.journal.read());
      return {
        keychain,
        keyFolder: new CredentialStore({ dataDir: deps.dataDir, secrets: null }).root,
        keyFormat: KEY_FORMAT,
        choice: section ? { mode: section.mode, chosenAt: section.chosenAt, backend: section.backend } : null,
      };
    },

    protectChoose: async ({ mode }): Promise<ProtectChoice> => {
      let backend: string | undefined;
      if (mode === 'keychain') {
        // Probed again: the keyring may have been locked or stopped since the screen was shown.
        const keychain = await probe();
        if (!keychain.available) {
          const d = keychain.error.details;
          throw new OnboardError('KEYCHAIN_UNAVAILABLE', { backend: String(d?.backend ?? keychain.backend), detail: String(d?.detail ?? keychain.error.message) });
        }
        backend = keychain.backend;
      }
      const chosenAt = deps.now().toISOString();
      const summary = protectSummary(mode, backend);
      const section: ProtectSection = { mode, chosenAt, ...(backend ? { backend } : {}) };
      await deps.journal.update((j) => {
        (j as Record<string, unknown>).protect = section;
        deps.journal.setStep(j, 'protect', 'done', summary);
      });
      return { mode, chosenAt, backend, summary };
    },
  };
}
