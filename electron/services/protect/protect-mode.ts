/**
 * The Protect step's journal section, `protect: { mode, chosenAt, backend }`, and the typed
 * readers later steps (Request, Back up) use to decide where a key passphrase goes.
 */
import { z } from 'zod';
import { OnboardError } from '../../../shared/errors';
import { PROTECT_MODES, type ProtectMode } from '../../../shared/contract/protect';
import type { JournalData } from '../journal/journal';
import type { SecretStore } from '../keychain/secret-store';

export const protectSectionSchema = z.object({
  mode: z.enum(PROTECT_MODES),
  chosenAt: z.string(),
  /** The keychain's name when `mode` is `keychain` (for messages). */
  backend: z.string().optional(),
});
export type ProtectSection = z.infer<typeof protectSectionSchema>;

/** The Protect section of the journal, or null when the step was not done (or the section is unreadable). */
export function readProtectSection(journal: JournalData): ProtectSection | null {
  const parsed = protectSectionSchema.safeParse((journal as Record<string, unknown>).protect);
  return parsed.success ? parsed.data : null;
}

/** `keychain` (passphrase kept in the OS keychain), `ask` (typed each time), or null before the Protect step. */
export function readProtectMode(journal: JournalData): ProtectMode | null {
  return readProtectSection(journal)?.mode ?? null;
}

/** Like readProtectMode, but PROTECT_NOT_CHOSEN when the user has not been through Protect yet. */
export function requireProtectMode(journal: JournalData): ProtectMode {
  const mode = readProtectMode(journal);
  if (!mode) throw new OnboardError('PROTECT_NOT_CHOSEN');
  return mode;
}

/**
 * The SecretStore a credential should use for the chosen mode: the keychain for `keychain`,
 * null for `ask` (CredentialStore then takes the passphrase the user typed).
 */
export function secretsForMode(mode: ProtectMode, keychain: () => SecretStore): SecretStore | null {
  return mode === 'keychain' ? keychain() : null;
}
