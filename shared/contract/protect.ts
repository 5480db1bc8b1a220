import { z } from 'zod';
import { procedure } from './define';
import type { WireError } from '../errors';

/** How the private key's passphrase is kept: in the OS keychain, or typed by the user each time. */
export const PROTECT_MODES = ['keychain', 'ask'] as const;
export type ProtectMode = (typeof PROTECT_MODES)[number];

/** The keychain as probed just now (a real write, read back, then deleted). */
export type KeychainProbe =
  | { readonly available: true; readonly backend: string }
  | { readonly available: false; readonly backend: string; readonly error: WireError };

export interface ProtectStatus {
  readonly keychain: KeychainProbe;
  /** Where the encrypted private keys are kept (the app's data folder). */
  readonly keyFolder: string;
  /** How the key file is encrypted, in words (PKCS#8, PBES2 AES-256). */
  readonly keyFormat: string;
  /** The choice made earlier, if any. */
  readonly choice: { readonly mode: ProtectMode; readonly chosenAt: string; readonly backend?: string } | null;
}

export interface ProtectChoice {
  readonly mode: ProtectMode;
  readonly chosenAt: string;
  /** The keychain used (mode `keychain`). */
  readonly backend?: string;
  /** The stepper's one line. */
  readonly summary: string;
}

export const protectProcedures = {
  protectStatus: procedure<ProtectStatus>()({
    input: z.object({}).strict(),
    summary: 'Probes the OS keychain (a throw-away entry written, read back and deleted) and returns the earlier choice.',
  }),
  protectChoose: procedure<ProtectChoice>()({
    input: z.object({ mode: z.enum(PROTECT_MODES) }).strict(),
    summary: 'Records where passphrases are kept (keychain — probed again first — or asked each time); marks Protect done.',
  }),
};
